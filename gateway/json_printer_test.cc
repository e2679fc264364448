#include "gateway/json_printer.h"

#include <cmath>
#include <limits>
#include <random>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pelita/proto_registry.h"

namespace pelita::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Fills every field of a message with random values (bounded depth), keeping
// the well-known types valid so that protobuf's printer accepts them.
class Filler {
 public:
  explicit Filler(uint32_t seed) : rng_(seed) {}

  void Fill(Message* m, int depth) {
    const Descriptor* d = m->GetDescriptor();
    const Reflection* r = m->GetReflection();
    const std::string& name = d->full_name();
    if (name == "google.protobuf.Timestamp") {
      r->SetInt64(m, d->FindFieldByNumber(1), Int(-62135596800, 253402300799));
      r->SetInt32(m, d->FindFieldByNumber(2), static_cast<int32_t>(Nanos()));
      return;
    }
    if (name == "google.protobuf.Duration") {
      int64_t s = Int(-315576000000, 315576000000);
      int32_t n = static_cast<int32_t>(Nanos());
      r->SetInt64(m, d->FindFieldByNumber(1), s);
      r->SetInt32(m, d->FindFieldByNumber(2), s < 0 ? -n : n);
      return;
    }
    if (name == "google.protobuf.FieldMask") {
      const char* paths[] = {"display_name", "weights", "min_n", "a.b_c", "title"};
      for (int i = 0, n = static_cast<int>(Int(0, 3)); i < n; ++i) {
        r->AddString(m, d->FindFieldByNumber(1), paths[Int(0, 4)]);
      }
      return;
    }
    if (name == "google.protobuf.Struct" || name == "google.protobuf.Value" ||
        name == "google.protobuf.ListValue" || name == "google.protobuf.Any") {
      return;  // left empty: the printer hands these to protobuf anyway
    }
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (Int(0, 4) == 0) continue;  // some fields stay unset
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth >= 3) continue;
      if (f->containing_oneof() != nullptr && Int(0, 1) == 0) continue;
      const int n = f->is_repeated() ? static_cast<int>(Int(0, 3)) : 1;
      for (int k = 0; k < n; ++k) Set(m, r, f, depth);
    }
  }

 private:
  int64_t Int(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  int64_t Nanos() {
    switch (Int(0, 3)) {
      case 0: return 0;
      case 1: return Int(0, 999) * 1000000;
      case 2: return Int(0, 999999) * 1000;
      default: return Int(0, 999999999);
    }
  }
  double Double() {
    switch (Int(0, 7)) {
      case 0: return 0.1 * static_cast<double>(Int(-100, 100));
      case 1: return std::numeric_limits<double>::infinity();
      case 2: return -std::numeric_limits<double>::infinity();
      case 3: return std::nan("");
      case 4: return 1e300 * std::uniform_real_distribution<double>(-1, 1)(rng_);
      case 5: return static_cast<double>(Int(-1000000, 1000000));
      default: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
    }
  }
  std::string String() {
    static const char* kSamples[] = {"", "a", "Dinas Kesehatan", "quote \" back \\ slash", "line\nbreak\ttab",
                                     "ctrl \x01\x1f", "Kecamatan Muara Bulian — ü ✓", "tenants/1504/units/x"};
    return kSamples[Int(0, 7)];
  }

  void Set(Message* m, const Reflection* r, const FieldDescriptor* f, int depth) {
    const bool rep = f->is_repeated();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        auto v = static_cast<int32_t>(Int(INT32_MIN, INT32_MAX));
        rep ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        auto v = static_cast<uint32_t>(Int(0, UINT32_MAX));
        rep ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t v = Int(INT64_MIN, INT64_MAX);
        rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        auto v = static_cast<uint64_t>(Int(0, INT64_MAX)) * 2;
        rep ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        double v = Double();
        rep ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        auto v = static_cast<float>(Double());
        rep ? r->AddFloat(m, f, v) : r->SetFloat(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool v = Int(0, 1) == 1;
        rep ? r->AddBool(m, f, v) : r->SetBool(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* e = f->enum_type();
        int v = e->value(static_cast<int>(Int(0, e->value_count() - 1)))->number();
        rep ? r->AddEnumValue(m, f, v) : r->SetEnumValue(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string v = f->type() == FieldDescriptor::TYPE_BYTES ? std::string("\x00\xff\x10 bin", 8) : String();
        rep ? r->AddString(m, f, v) : r->SetString(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        Fill(rep ? r->AddMessage(m, f) : r->MutableMessage(m, f), depth + 1);
        break;
    }
  }

  std::mt19937 rng_;
};

void CollectMessages(const Descriptor* d, std::vector<const Descriptor*>* out) {
  if (d->options().map_entry()) return;
  out->push_back(d);
  for (int i = 0; i < d->nested_type_count(); ++i) CollectMessages(d->nested_type(i), out);
}

std::vector<const Descriptor*> AllPelitaMessages() {
  std::vector<const Descriptor*> out;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& file : LinkedProtoFiles()) {
    const auto* fd = pool->FindFileByName(file);
    if (fd == nullptr) continue;
    for (int i = 0; i < fd->message_type_count(); ++i) CollectMessages(fd->message_type(i), &out);
  }
  return out;
}

nlohmann::json Parse(const std::string& s) { return nlohmann::json::parse(s, nullptr, false); }

// Compares our JSON with protobuf's as JSON values (key order and escaping
// may differ; the values may not).
void ExpectSameJson(const Message& m) {
  std::string ours, theirs;
  ASSERT_TRUE(AppendMessageJson(m, &ours).ok()) << m.GetDescriptor()->full_name();
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(m, &theirs).ok()) << m.ShortDebugString();
  nlohmann::json a = Parse(ours), b = Parse(theirs);
  ASSERT_FALSE(a.is_discarded()) << "not JSON: " << ours;
  EXPECT_EQ(a, b) << m.GetDescriptor()->full_name() << "\nours:   " << ours << "\ntheirs: " << theirs;
}

TEST(JsonPrinterTest, EveryPelitaMessageMatchesProtobufsPrinter) {
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::vector<const Descriptor*> types = AllPelitaMessages();
  ASSERT_GT(types.size(), 50u);  // every service's messages are linked in
  int compared = 0;
  for (const Descriptor* d : types) {
    for (uint32_t seed = 0; seed < 20; ++seed) {
      std::unique_ptr<Message> m(factory->GetPrototype(d)->New());
      Filler(seed * 7919 + static_cast<uint32_t>(compared)).Fill(m.get(), 0);
      ExpectSameJson(*m);
      ++compared;
    }
  }
  EXPECT_EQ(compared, static_cast<int>(types.size()) * 20);
}

TEST(JsonPrinterTest, WellKnownTypesUseTheirSpecialForms) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(1764410400);  // 2025-11-29T10:00:00Z
  ts.set_nanos(21000000);
  std::string out;
  ASSERT_TRUE(AppendMessageJson(ts, &out).ok());
  EXPECT_EQ(out, "\"2025-11-29T10:00:00.021Z\"");

  google::protobuf::Duration d;
  d.set_seconds(-1);
  d.set_nanos(-500000000);
  out.clear();
  ASSERT_TRUE(AppendMessageJson(d, &out).ok());
  EXPECT_EQ(out, "\"-1.500s\"");

  google::protobuf::FieldMask mask;
  mask.add_paths("display_name");
  mask.add_paths("min_n");
  out.clear();
  ASSERT_TRUE(AppendMessageJson(mask, &out).ok());
  EXPECT_EQ(out, "\"displayName,minN\"");

  google::protobuf::Int64Value w;
  w.set_value(-7);
  out.clear();
  ASSERT_TRUE(AppendMessageJson(w, &out).ok());
  EXPECT_EQ(out, "\"-7\"");

  google::protobuf::Struct s;
  (*s.mutable_fields())["k"].set_number_value(2.5);
  (*s.mutable_fields())["n"].set_null_value(google::protobuf::NULL_VALUE);
  ExpectSameJson(s);
}

TEST(JsonPrinterTest, OutOfRangeTimestampIsAnError) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(253402300800);  // 10000-01-01
  std::string out;
  EXPECT_FALSE(AppendMessageJson(ts, &out).ok());
}

}  // namespace
}  // namespace pelita::gateway
