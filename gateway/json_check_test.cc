#include "gateway/json_check.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace pelita::gateway {
namespace {

TEST(JsonCheckTest, AcceptsStrictJson) {
  for (const char* doc : {"{}", "[]", "0", "-0.5e+10", "\"x\"", "true", "null", " {\"a\" : [1, 2.5, \"\\u00e9\\n\"]} ",
                          "{\"a\":{\"b\":[{},[]]},\"c\":false}", "\"\\ud83d\\ude00\"", "\"caf\xc3\xa9\"",
                          "[1e3,-1E-3,0.0]", "{\"big\":123456789012345678901234567890}"}) {
    EXPECT_TRUE(CheckJson(doc).ok()) << doc << ": " << CheckJson(doc);
  }
}

TEST(JsonCheckTest, RefusesLenientAndMalformedJson) {
  for (const char* doc : {"", " ", "{'a':1}", "{a:1}", "{\"a\":1,}", "[1,]", "[,1]", "{\"a\":1} // c",
                          "/* c */ {}", "{} {}", "NaN", "[Infinity]", "[01]", "[1.]", "[.5]", "[+1]", "[1e]",
                          "\"a\x01\"", "\"tab\there\"", "\"\\x41\"", "\"\\u12\"", "[true false]", "tru", "nul",
                          "[\"a\":1]", "{\"a\" 1}", "{\"a\":}", "[1", "{\"a\":1", "\"open", "\xef\xbb\xbf{}",
                          "{\"a\":1}}", "]"}) {
    EXPECT_FALSE(CheckJson(doc).ok()) << doc;
  }
  // A NUL byte is never JSON: after the value, inside a string, alone.
  for (absl::string_view doc : {absl::string_view("\"\"\0[", 4), absl::string_view("\"a\0\"", 4),
                                absl::string_view("\0", 1), absl::string_view("[1]\0", 4)}) {
    EXPECT_FALSE(CheckJson(doc).ok()) << absl::CEscape(doc);
  }
}

TEST(JsonCheckTest, RefusesInvalidUtf8AndLoneSurrogates) {
  for (const char* doc : {"\"\xff\"", "{\"\xc3\x28\":1}", "[\"\xed\xa0\x80\"]", "\"\\ud800\"", "\"\\udc00\"",
                          "\"\\ud800\\u0041\"", "\"\\ud800x\""}) {
    auto s = CheckJson(doc);
    EXPECT_FALSE(s.ok()) << doc;
    EXPECT_TRUE(absl::StrContains(s.message(), "UTF-8")) << s;
  }
}

TEST(JsonCheckTest, DepthIsLimitedWithoutRecursion) {
  std::string ok(kMaxJsonDepth, '['), closing(kMaxJsonDepth, ']');
  EXPECT_TRUE(CheckJson(ok + closing).ok());
  for (int depth : {kMaxJsonDepth + 1, 50000, 1000000}) {
    auto s = CheckJson(std::string(depth, '['));
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(absl::StrContains(s.message(), "deeper than 64")) << s;
    std::string objects;
    for (int i = 0; i < depth; ++i) objects += "{\"a\":";
    EXPECT_TRUE(absl::StrContains(CheckJson(objects).message(), "deeper")) << depth;
  }
}

TEST(JsonCheckTest, ErrorsNameTheOffsetNotTheInput) {
  auto s = CheckJson("{\"secret\":'hidden'}");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "at byte 10")) << s;
  EXPECT_FALSE(absl::StrContains(s.message(), "hidden")) << s;
}

TEST(JsonCheckTest, OutlineAndBatchItems) {
  JsonOutline o;
  ASSERT_TRUE(CheckJson(" [ {\"a\":[1,2]} , 3,\"x\",[] ] ", kMaxJsonDepth, &o).ok());
  EXPECT_EQ(o.kind, JsonOutline::kArray);
  ASSERT_EQ(o.elements.size(), 4u);
  EXPECT_EQ(o.elements[0], "{\"a\":[1,2]}");
  EXPECT_EQ(o.elements[1], "3");
  EXPECT_EQ(o.elements[2], "\"x\"");
  EXPECT_EQ(o.elements[3], "[]");
  ASSERT_TRUE(CheckJson("{\"requests\":[{}], \"b\" : 1}", kMaxJsonDepth, &o).ok());
  EXPECT_EQ(o.kind, JsonOutline::kObject);
  ASSERT_EQ(o.members.size(), 2u);
  EXPECT_EQ(o.members[0].first, "requests");
  EXPECT_EQ(o.members[0].second, "[{}]");
  EXPECT_EQ(o.members[1].second, "1");

  auto items = BatchItems("[{\"x\":1},{\"y\":[2]}]");
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[1], "{\"y\":[2]}");
  items = BatchItems("{\"requests\": [ {\"x\":1} ]}");
  ASSERT_TRUE(items.ok()) << items.status();
  EXPECT_EQ(items->size(), 1u);
  EXPECT_TRUE(BatchItems("[]")->empty());
  for (const char* bad : {"{\"not\":\"an array\"}", "{\"requests\":{}}", "{\"requests\":[],\"x\":1}", "3", "[1,]"}) {
    EXPECT_FALSE(BatchItems(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace pelita::gateway
