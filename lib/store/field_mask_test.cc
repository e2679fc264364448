#include "lib/store/field_mask.h"

#include <google/protobuf/api.pb.h>

#include "gtest/gtest.h"
#include "lib/status/status.h"

namespace pelita::store {
namespace {

// google.protobuf.Api stands in for a resource: a name, scalars, a repeated
// and a message field, and it needs no generated code of ours.
google::protobuf::Api Target() {
  google::protobuf::Api t;
  t.set_name("tenants/1504/things/a");
  t.set_version("v1");
  t.add_methods()->set_name("Old");
  t.mutable_source_context()->set_file_name("old.proto");
  return t;
}

TEST(FieldMaskTest, EmptyMaskCopiesTheFieldsThatAreSet) {
  google::protobuf::Api patch, target = Target();
  patch.set_version("v2");
  ASSERT_TRUE(ApplyFieldMask(patch, {}, {"name"}, &target).ok());
  EXPECT_EQ(target.version(), "v2");
  EXPECT_EQ(target.name(), "tenants/1504/things/a");
  EXPECT_EQ(target.methods_size(), 1);
  EXPECT_EQ(target.source_context().file_name(), "old.proto");
}

TEST(FieldMaskTest, NamedPathsReplaceAndMayClear) {
  google::protobuf::Api patch, target = Target();
  patch.add_methods()->set_name("New");
  patch.set_version("ignored: not in the mask");
  google::protobuf::FieldMask mask;
  mask.add_paths("methods");
  mask.add_paths("source_context");  // unset in the patch: cleared
  ASSERT_TRUE(ApplyFieldMask(patch, mask, {"name"}, &target).ok());
  ASSERT_EQ(target.methods_size(), 1);  // replaced, not appended
  EXPECT_EQ(target.methods(0).name(), "New");
  EXPECT_FALSE(target.has_source_context());
  EXPECT_EQ(target.version(), "v1");
}

TEST(FieldMaskTest, StarReplacesEverythingButOutputOnly) {
  google::protobuf::Api patch, target = Target();
  patch.set_name("tenants/1504/things/other");
  patch.set_version("v3");
  google::protobuf::FieldMask mask;
  mask.add_paths("*");
  ASSERT_TRUE(ApplyFieldMask(patch, mask, {"name"}, &target).ok());
  EXPECT_EQ(target.name(), "tenants/1504/things/a");
  EXPECT_EQ(target.version(), "v3");
  EXPECT_EQ(target.methods_size(), 0);
  EXPECT_FALSE(target.has_source_context());
}

TEST(FieldMaskTest, UnknownPathIsAFieldViolationAndChangesNothing) {
  google::protobuf::Api patch, target = Target();
  patch.set_version("v2");
  google::protobuf::FieldMask mask;
  mask.add_paths("version");
  mask.add_paths("nope");
  absl::Status s = ApplyFieldMask(patch, mask, {}, &target, "update_mask");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  using Violations = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(FieldViolationsOf(s), (Violations{{"update_mask", "unknown field 'nope'"}}));
  EXPECT_EQ(target.SerializeAsString(), Target().SerializeAsString());
}

}  // namespace
}  // namespace pelita::store
