// docs/ROLES.md is the role table: regenerate it with
// `build/gateway/pelita-gateway-roles > docs/ROLES.md` when the table changes.
#include <fstream>
#include <sstream>

#include "gateway/policy.h"
#include "gtest/gtest.h"

namespace pelita::gateway {
namespace {

TEST(RolesDocTest, DocsMatchTheTable) {
  std::ifstream in(PELITA_SOURCE_DIR "/docs/ROLES.md");
  ASSERT_TRUE(in.good()) << "docs/ROLES.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), RolesMarkdown())
      << "docs/ROLES.md differs from the role table; run build/gateway/pelita-gateway-roles > docs/ROLES.md";
}

}  // namespace
}  // namespace pelita::gateway
