#include "services/report/xlsx.h"

#include "gtest/gtest.h"
#include "services/report/doc_tools.h"

namespace pelita::report {
namespace {

TEST(XlsxTest, CellsThatLookLikeFormulasAreNeutralised) {
  EXPECT_EQ(NeutraliseCell("=1+1"), "'=1+1");
  EXPECT_EQ(NeutraliseCell("+62 812"), "'+62 812");
  EXPECT_EQ(NeutraliseCell("-2+3"), "'-2+3");
  EXPECT_EQ(NeutraliseCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(NeutraliseCell("\t=x"), "'\t=x");
  EXPECT_EQ(NeutraliseCell("Dinas Kesehatan"), "Dinas Kesehatan");
  EXPECT_EQ(NeutraliseCell(""), "");
}

TEST(XlsxTest, AWorkbookReadsBackInOpenpyxlWithNumbersAsNumbers) {
  auto book = XlsxWorkbook::Create("/tmp");
  ASSERT_TRUE(book.ok()) << book.status();
  ASSERT_TRUE((*book)->AddSheet("Angka", {"Nama", "Nilai"}).ok());
  ASSERT_TRUE((*book)->AddRow({std::string("=HYPERLINK(\"http://x\")"), 71.25}).ok());
  ASSERT_TRUE((*book)->AddRow({std::string("Bapak Ä"), XlsxWorkbook::Cell()}).ok());
  ASSERT_TRUE((*book)->AddSheet("Kedua", {"x"}).ok());
  ASSERT_TRUE((*book)->AddRow({-3.0}).ok());
  auto bytes = (*book)->Finish();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(bytes->substr(0, 2), "PK");  // a zip container
  auto sheets = testing::XlsxCells(*bytes);
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 2u);
  EXPECT_EQ((*sheets)[0].first, "Angka");
  const auto& rows = (*sheets)[0].second;
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "Nama");
  EXPECT_EQ(rows[1][0], "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(rows[1][1], "71.25");
  EXPECT_EQ(rows[2][0], "Bapak Ä");
  EXPECT_EQ((*sheets)[1].second[1][0], "-3");
}

TEST(XlsxTest, ANumberKeepsItsValueAndShowsWithItsFormat) {
  auto book = XlsxWorkbook::Create("/tmp");
  ASSERT_TRUE(book.ok()) << book.status();
  ASSERT_TRUE((*book)->AddSheet("Angka", {"Bagian", "Skor", "Rupiah", "Biasa"}).ok());
  ASSERT_TRUE((*book)
                  ->AddRow({XlsxWorkbook::Number{0.84662, "0.0%"}, XlsxWorkbook::Number{76.2177, "0.0"},
                            XlsxWorkbook::Number{3200000, "\"Rp\" #,##0"}, 2.5})
                  .ok());
  ASSERT_TRUE((*book)->AddRow({XlsxWorkbook::Number{0.5, "0.0%"}}).ok());
  auto bytes = (*book)->Finish();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto values = testing::XlsxCells(*bytes);
  auto formats = testing::XlsxNumberFormats(*bytes);
  ASSERT_TRUE(values.ok() && formats.ok()) << values.status() << formats.status();
  const auto& v = (*values)[0].second;
  const auto& f = (*formats)[0].second;
  EXPECT_EQ(v[1][0], "0.84662");  // full precision kept
  EXPECT_EQ(v[1][1], "76.2177");
  EXPECT_EQ(f[1][0], "0.0%");
  EXPECT_EQ(f[1][1], "0.0");
  EXPECT_EQ(f[1][2], "\"Rp\" #,##0");
  EXPECT_EQ(f[1][3], "General");
  EXPECT_EQ(f[2][0], "0.0%");  // the same format reused
  EXPECT_EQ(f[0][0], "");      // the header is text
}

}  // namespace
}  // namespace pelita::report
