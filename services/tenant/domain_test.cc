#include "services/tenant/domain.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "lib/time/time.h"

namespace pelita::tenant {
namespace {

using v1::Tenant;

void ExpectField(const absl::Status& s, absl::string_view field) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(absl::StartsWith(s.message(), field)) << s;
}

TEST(TenantDomainTest, NewTenantGetsDerivedFieldsAndDefaults) {
  Tenant t;
  t.set_display_name("Kabupaten Batang Hari");
  ASSERT_TRUE(PrepareNew("1504", &t).ok());
  EXPECT_EQ(t.name(), "tenants/1504");
  EXPECT_EQ(t.province_code(), "15");
  EXPECT_EQ(t.kind(), Tenant::KABUPATEN);
  EXPECT_EQ(t.time_zone(), kWib);
  EXPECT_EQ(t.settings().min_n(), 5);
  EXPECT_EQ(t.settings().min_control_units(), 2);

  Tenant kota;
  kota.set_display_name("Kota Makassar");
  ASSERT_TRUE(PrepareNew("7371", &kota).ok());
  EXPECT_EQ(kota.kind(), Tenant::KOTA);
  EXPECT_EQ(kota.time_zone(), kWita);
  Tenant jayapura;
  jayapura.set_display_name("Kota Jayapura");
  ASSERT_TRUE(PrepareNew("9171", &jayapura).ok());
  EXPECT_EQ(jayapura.time_zone(), kWit);
}

TEST(TenantDomainTest, RejectsInconsistentInputNamingTheField) {
  auto prepare = [](const char* code, Tenant t) { return PrepareNew(code, &t); };
  Tenant ok;
  ok.set_display_name("Kabupaten X");
  ExpectField(prepare("15044", ok), "tenant_id");
  ExpectField(prepare("9904", ok), "tenant_id");
  Tenant t = ok;
  t.set_province_code("16");
  ExpectField(prepare("1504", t), "tenant.province_code");
  t = ok;
  t.set_kind(Tenant::KOTA);
  ExpectField(prepare("1504", t), "tenant.kind");
  t = ok;
  t.set_time_zone("Asia/Makassar");  // Jambi is WIB
  ExpectField(prepare("1504", t), "tenant.time_zone");
  t = ok;
  t.set_time_zone("Asia/Bangkok");
  ExpectField(prepare("1504", t), "tenant.time_zone");
  t = ok;
  t.clear_display_name();
  ExpectField(prepare("1504", t), "tenant.display_name");
  t = ok;
  t.set_display_name(std::string(101, 'a'));
  ExpectField(prepare("1504", t), "tenant.display_name");
  t = ok;
  t.set_display_name("\xff\xfe");
  ExpectField(prepare("1504", t), "tenant.display_name");
  t = ok;
  t.mutable_settings()->set_min_n(3);
  ExpectField(prepare("1504", t), "tenant.settings.min_n");
  t = ok;
  t.mutable_settings()->set_min_control_units(101);
  ExpectField(prepare("1504", t), "tenant.settings.min_control_units");
  // 100 characters of Bahasa Indonesia with non-ASCII letters are fine.
  t = ok;
  std::string name;
  for (int i = 0; i < 100; ++i) name += "\xc3\xa9";  // é
  t.set_display_name(name);
  EXPECT_TRUE(prepare("1504", t).ok());
}

TEST(TenantDomainTest, UpdateChangesOnlyMaskedMutableFields) {
  Tenant record;
  record.set_display_name("Kabupaten Batanghari");
  ASSERT_TRUE(PrepareNew("1504", &record).ok());
  Tenant patch;
  patch.set_display_name("Kabupaten Batang Hari");
  patch.mutable_settings()->set_min_n(10);
  patch.mutable_settings()->set_min_control_units(7);
  google::protobuf::FieldMask mask;
  mask.add_paths("display_name");
  mask.add_paths("settings.min_n");
  Tenant updated = record;
  ASSERT_TRUE(ApplyUpdate(patch, mask, &updated).ok());
  EXPECT_EQ(updated.display_name(), "Kabupaten Batang Hari");
  EXPECT_EQ(updated.settings().min_n(), 10);
  EXPECT_EQ(updated.settings().min_control_units(), 2);  // not in the mask

  for (const char* path : {"name", "province_code", "kind", "create_time", "nonsense"}) {
    google::protobuf::FieldMask bad;
    bad.add_paths(path);
    Tenant copy = record;
    ExpectField(ApplyUpdate(patch, bad, &copy), "update_mask");
    EXPECT_EQ(copy.SerializeAsString(), record.SerializeAsString());
  }
  ExpectField(ApplyUpdate(patch, google::protobuf::FieldMask(), &updated), "update_mask");
  google::protobuf::FieldMask zone;
  zone.add_paths("time_zone");
  Tenant wrong_zone;
  wrong_zone.set_time_zone(kWit);
  Tenant copy = record;
  ExpectField(ApplyUpdate(wrong_zone, zone, &copy), "tenant.time_zone");
}

// The certificates' signatory (issue 17): set through the update mask,
// checked like every other field.
TEST(TenantDomainTest, CertificateSignatoryIsUpdatableAndChecked) {
  Tenant record;
  record.set_display_name("Kabupaten Batang Hari");
  ASSERT_TRUE(PrepareNew("1504", &record).ok());
  Tenant patch;
  auto* sig = patch.mutable_settings()->mutable_certificate_signatory();
  sig->set_title("Kepala BKPSDM Kabupaten Batang Hari");
  sig->set_full_name("Drs. H. Ahmad Fauzi, M.Si.");
  sig->set_nip("197001011995031001");
  google::protobuf::FieldMask mask;
  mask.add_paths("settings.certificate_signatory");
  Tenant updated = record;
  ASSERT_TRUE(ApplyUpdate(patch, mask, &updated).ok());
  EXPECT_EQ(updated.settings().certificate_signatory().full_name(), "Drs. H. Ahmad Fauzi, M.Si.");
  EXPECT_EQ(updated.settings().min_n(), record.settings().min_n());

  sig->set_nip("1970");
  Tenant copy = record;
  ExpectField(ApplyUpdate(patch, mask, &copy), "tenant.settings.certificate_signatory.nip");
  sig->set_nip("");
  sig->set_full_name(std::string(121, 'a'));
  ExpectField(ApplyUpdate(patch, mask, &copy), "tenant.settings.certificate_signatory.full_name");
  sig->set_full_name("ok");
  sig->set_title("\xff");
  ExpectField(ApplyUpdate(patch, mask, &copy), "tenant.settings.certificate_signatory.title");
}

TEST(TenantDomainTest, JambiSeedsAreValidTenants) {
  ASSERT_EQ(JambiSeeds().size(), 11u);
  for (const Seed& s : JambiSeeds()) {
    Tenant t;
    t.set_display_name(s.display_name);
    EXPECT_TRUE(PrepareNew(s.code, &t).ok()) << s.code;
    EXPECT_EQ(t.kind() == Tenant::KOTA, absl::StartsWith(s.display_name, "Kota ")) << s.code;
  }
}

}  // namespace
}  // namespace pelita::tenant
