#include "lib/csv/csv_reader.h"

#include "gtest/gtest.h"

namespace pelita::csv {
namespace {

std::vector<Row> ReadAll(absl::string_view text, size_t chunk, ReaderOptions options = {}) {
  std::vector<Row> rows;
  Reader reader(options, [&](Row& row) {
    rows.push_back(row);
    return absl::OkStatus();
  });
  for (size_t i = 0; i < text.size(); i += chunk) {
    EXPECT_TRUE(reader.Feed(text.substr(i, chunk)).ok());
  }
  EXPECT_TRUE(reader.Finish().ok());
  return rows;
}

TEST(CsvReaderTest, ParsesQuotesNewlinesAndBomInAnyChunking) {
  const std::string text =
      "\xEF\xBB\xBFnip,name,note\r\n"
      "196608011988031001,\"Siti, S.Sos\",\"line1\nline2\"\r\n"
      "198402292010012003,Budi,\"say \"\"hi\"\"\"\n"
      "199001012015031001,Ani,";  // no final newline
  for (size_t chunk : {1, 2, 3, 7, 1000}) {
    auto rows = ReadAll(text, chunk);
    ASSERT_EQ(rows.size(), 4u) << chunk;
    EXPECT_EQ(rows[0].fields[0], "nip") << "BOM stripped, chunk " << chunk;
    EXPECT_EQ(rows[1].fields[1], "Siti, S.Sos");
    EXPECT_EQ(rows[1].fields[2], "line1\nline2");
    EXPECT_EQ(rows[2].fields[2], "say \"hi\"");
    EXPECT_EQ(rows[3].fields.size(), 3u);
    EXPECT_EQ(rows[3].number, 4);
  }
}

TEST(CsvReaderTest, ReportsOversizedFieldAndContinues) {
  ReaderOptions options;
  options.max_field_bytes = 1024;
  std::string text = "a,b\n" + std::string(3 << 20, 'x') + ",1\nok,2\n";
  auto rows = ReadAll(text, 64 * 1024, options);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NE(rows[1].error.find("longer than 1024"), std::string::npos);
  EXPECT_TRUE(rows[2].error.empty());
  EXPECT_EQ(rows[2].fields[0], "ok");
}

TEST(CsvReaderTest, ReportsInvalidUtf8) {
  auto rows = ReadAll("a\n\xC3\x28\nok\n\xED\xA0\x80\n", 100);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NE(rows[1].error.find("UTF-8"), std::string::npos);
  EXPECT_TRUE(rows[2].error.empty());
  EXPECT_NE(rows[3].error.find("UTF-8"), std::string::npos);  // a surrogate
}

TEST(CsvReaderTest, UnterminatedQuoteAtEndIsAnError) {
  Reader reader({}, [](Row&) { return absl::OkStatus(); });
  ASSERT_TRUE(reader.Feed("a,b\n\"open,1\n").ok());
  EXPECT_EQ(reader.Finish().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvReaderTest, CallbackErrorStopsReading) {
  int calls = 0;
  Reader reader({}, [&](Row&) {
    ++calls;
    return absl::CancelledError("stop");
  });
  EXPECT_EQ(reader.Feed("a\nb\nc\n").code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
}

TEST(CsvHeaderTest, FindsColumnsByTrimmedName) {
  Header h({" nip", "name ", "unit"});
  EXPECT_EQ(h.Find("name"), 1u);
  EXPECT_FALSE(h.Find("grade").has_value());
}

}  // namespace
}  // namespace pelita::csv
