#include "lib/utf8/utf8.h"

#include "gtest/gtest.h"

namespace pelita {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  for (const char* s : {"", "ascii", "Muara Bulian", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                        "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf"}) {
    EXPECT_TRUE(IsValidUtf8(s)) << s;
  }
}

TEST(Utf8Test, RefusesMalformedText) {
  for (const char* s : {"\xff", "\xfe\xff", "\x80", "a\xc3", "\xc3\x28", "\xc0\xaf",     // overlong '/'
                        "\xe0\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf",                 // surrogates
                        "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xe2\x82"}) {
    EXPECT_FALSE(IsValidUtf8(s)) << s;
  }
}

TEST(Utf8Test, SanitizeReplacesEachBadByteAndKeepsTheRest) {
  EXPECT_EQ(SanitizeUtf8("ok"), "ok");
  EXPECT_EQ(SanitizeUtf8("a\xff" "b"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(SanitizeUtf8("\xc3\xa9\xc3"), "\xc3\xa9\xef\xbf\xbd");
  EXPECT_TRUE(IsValidUtf8(SanitizeUtf8("\xed\xa0\x80\xf8\x88")));
}

}  // namespace
}  // namespace pelita
