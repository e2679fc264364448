#include "lib/csv/csv_reader.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace pelita::csv {
namespace {

struct Result {
  std::vector<Row> rows;
  std::optional<Break> broken;
};

Result ReadAll(absl::string_view text, size_t chunk, ReaderOptions options = {}, bool truncate = false) {
  Result out;
  Reader reader(options, [&](Row& row) {
    out.rows.push_back(row);
    return absl::OkStatus();
  });
  for (size_t i = 0; i < text.size(); i += chunk) {
    EXPECT_TRUE(reader.Feed(text.substr(i, chunk)).ok());
  }
  if (truncate) {
    reader.Truncate();
  } else {
    EXPECT_TRUE(reader.Finish().ok());
  }
  out.broken = reader.broken();
  return out;
}

TEST(CsvReaderTest, ParsesQuotesNewlinesAndBomInAnyChunking) {
  const std::string text =
      "\xEF\xBB\xBFnip,name,note\r\n"
      "196608011988031001,\"Siti, S.Sos\",\"line1\nline2\"\r\n"
      "\n"
      "198402292010012003,Budi,\"say \"\"hi\"\"\"\n"
      "199001012015031001,Ani,";  // no final newline
  for (size_t chunk : {1, 2, 3, 7, 1000}) {
    auto r = ReadAll(text, chunk);
    ASSERT_FALSE(r.broken) << r.broken->message;
    auto& rows = r.rows;
    ASSERT_EQ(rows.size(), 4u) << chunk;
    EXPECT_EQ(rows[0].fields[0], "nip") << "BOM stripped, chunk " << chunk;
    EXPECT_EQ(rows[1].fields[1], "Siti, S.Sos");
    EXPECT_EQ(rows[1].fields[2], "line1\nline2");
    EXPECT_EQ(rows[2].fields[2], "say \"hi\"");
    EXPECT_EQ(rows[3].fields.size(), 3u);
    EXPECT_EQ(rows[3].number, 4);
    // Lines: record 2 spans lines 2-3, line 4 is blank.
    EXPECT_EQ(rows[0].line, 1);
    EXPECT_EQ(rows[1].line, 2);
    EXPECT_EQ(rows[2].line, 5) << chunk;
    EXPECT_EQ(rows[3].line, 6) << chunk;
  }
}

TEST(CsvReaderTest, ReportsOversizedFieldWithItsColumnAndContinues) {
  ReaderOptions options;
  options.max_field_bytes = 1024;
  std::string text = "a,b\n1," + std::string(3 << 20, 'x') + "\nok,2\n";
  auto r = ReadAll(text, 64 * 1024, options);
  ASSERT_FALSE(r.broken);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_NE(r.rows[1].error.find("longer than 1024"), std::string::npos);
  EXPECT_EQ(r.rows[1].code, "FIELD_TOO_LONG");
  EXPECT_EQ(r.rows[1].column, 2);
  EXPECT_TRUE(r.rows[2].error.empty());
  EXPECT_TRUE(r.rows[2].code.empty());
  EXPECT_EQ(r.rows[2].fields[0], "ok");
}

TEST(CsvReaderTest, BytesThatAreNotUtf8StopTheReadingAtTheirRecord) {
  for (const char* bad : {"\xC3\x28", "\xED\xA0\x80" /* a surrogate */, "caf\xE9" /* Latin-1 */}) {
    auto r = ReadAll(absl::StrCat("a,b\n1,\"x\ny\"\n2,", bad, "\n3,ok\n"), 3);
    ASSERT_TRUE(r.broken) << bad;
    EXPECT_EQ(r.broken->reason, BreakReason::kInvalidEncoding);
    EXPECT_EQ(r.broken->record, 3);
    EXPECT_EQ(r.broken->line, 4);
    EXPECT_EQ(r.broken->column, 2);
    EXPECT_NE(r.broken->message.find("record 3 (line 4), column 2"), std::string::npos) << r.broken->message;
    ASSERT_EQ(r.rows.size(), 2u);  // nothing from record 3 on
  }
  auto utf16 = ReadAll(std::string("\xFF\xFE" "a\0,\0b\0", 8), 100);
  ASSERT_TRUE(utf16.broken);
  EXPECT_EQ(utf16.broken->reason, BreakReason::kInvalidEncoding);
  EXPECT_EQ(utf16.broken->record, 1);
  EXPECT_TRUE(utf16.rows.empty());
}

// The case of issue 12: a quote opened at record 5,002 and never closed.
// Every record before it is delivered, none from it on, and the break names
// the record and the line it starts on (lines run ahead of records here
// because of fields holding newlines).
TEST(CsvReaderTest, UnterminatedQuoteBreaksAtTheRecordWhereItOpened) {
  std::string text = "id,note\n";
  for (int i = 2; i <= 10000; ++i) {
    if (i == 5002) {
      absl::StrAppend(&text, i, ",\"never closed\n");
    } else if (i % 1000 == 0) {
      absl::StrAppend(&text, i, ",\"two\nlines\"\n");
    } else {
      absl::StrAppend(&text, i, ",plain\n");
    }
  }
  for (size_t chunk : {7, 4096, 64 * 1024}) {
    auto r = ReadAll(text, chunk);
    ASSERT_TRUE(r.broken);
    EXPECT_EQ(r.broken->reason, BreakReason::kUnterminatedQuote);
    EXPECT_EQ(r.broken->record, 5002);
    EXPECT_EQ(r.broken->line, 5002 + 5);  // five two-line records before it
    EXPECT_EQ(r.broken->column, 2);
    ASSERT_EQ(r.rows.size(), 5001u) << chunk;
    EXPECT_EQ(r.rows.back().fields[0], "5001");
    EXPECT_EQ(r.rows.back().line, 5001 + 5);
  }
}

TEST(CsvReaderTest, OpenQuoteBreaksOnceItPassesTheLimitWithoutReadingTheRest) {
  ReaderOptions options;
  options.max_open_field_bytes = 1 << 20;
  std::string text = "id,note\n1,ok\n2,\"open\n";
  while (text.size() < (3u << 20)) absl::StrAppend(&text, "3,more text in the runaway field\n");
  auto r = ReadAll(text, 64 * 1024, options);
  ASSERT_TRUE(r.broken);
  EXPECT_EQ(r.broken->reason, BreakReason::kUnterminatedQuote);
  EXPECT_EQ(r.broken->record, 3);
  EXPECT_EQ(r.broken->line, 3);
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST(CsvReaderTest, QuotesOutsideRfc4180BreakWithTheirColumn) {
  for (const char* line : {"2,b\"c,d", "2,\"abc\"def,d"}) {
    auto r = ReadAll(absl::StrCat("a,b,c\n1,x,y\n", line, "\n3,x,y\n"), 2);
    ASSERT_TRUE(r.broken) << line;
    EXPECT_EQ(r.broken->reason, BreakReason::kMalformedQuote) << line;
    EXPECT_EQ(r.broken->record, 3);
    EXPECT_EQ(r.broken->line, 3);
    EXPECT_EQ(r.broken->column, 2) << line;
    EXPECT_EQ(r.rows.size(), 2u);
  }
  // Spaces around a quoted field are fine.
  auto ok = ReadAll("a,b\n \"x\" ,y\n", 1);
  EXPECT_FALSE(ok.broken);
  ASSERT_EQ(ok.rows.size(), 2u);
  EXPECT_EQ(ok.rows[1].fields[0], "x");
}

TEST(CsvReaderTest, TruncateDropsThePartialRecord) {
  // Cut inside record 3 (its second line): records 1-2 only.
  auto r = ReadAll("a,b\n1,x\n2,\"multi\nli", 3, {}, /*truncate=*/true);
  ASSERT_TRUE(r.broken);
  EXPECT_EQ(r.broken->reason, BreakReason::kTruncated);
  EXPECT_EQ(r.broken->record, 3);
  EXPECT_EQ(r.broken->line, 3);
  EXPECT_EQ(r.rows.size(), 2u);
  // A last record without its line end may be cut short ("Budi" of
  // "Budiman"): it is not delivered either.
  r = ReadAll("a,b\n1,Budi", 100, {}, true);
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.broken->record, 2);
  // Cut between records: the next record number and line.
  r = ReadAll("a,b\n1,x\r\n", 100, {}, true);
  EXPECT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.broken->record, 3);
  EXPECT_EQ(r.broken->line, 3);
  EXPECT_EQ(BreakReasonName(r.broken->reason), "UPLOAD_TOO_LARGE");
}

TEST(CsvReaderTest, CallbackErrorStopsReading) {
  int calls = 0;
  Reader reader({}, [&](Row&) {
    ++calls;
    return absl::CancelledError("stop");
  });
  EXPECT_EQ(reader.Feed("a\nb\nc\n").code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(reader.broken());
}

TEST(CsvHeaderTest, FindsColumnsByTrimmedName) {
  Header h({" nip", "name ", "unit"});
  EXPECT_EQ(h.Find("name"), 1u);
  EXPECT_FALSE(h.Find("grade").has_value());
  EXPECT_EQ(h.NameOf(2), "unit");
  EXPECT_EQ(h.NameOf(3), "");
}

}  // namespace
}  // namespace pelita::csv
