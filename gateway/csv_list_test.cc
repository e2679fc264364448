#include "gateway/csv_list.h"

#include "gtest/gtest.h"
#include "pelita/enrolment/v1/enrolment.pb.h"

namespace pelita::gateway {
namespace {

TEST(CsvListTest, OnlyAFirstTextCsvAsksForCsv) {
  EXPECT_TRUE(WantsCsv("text/csv"));
  EXPECT_TRUE(WantsCsv("Text/CSV; charset=utf-8, application/json"));
  EXPECT_FALSE(WantsCsv("application/json, text/csv"));
  EXPECT_FALSE(WantsCsv("*/*"));
  EXPECT_FALSE(WantsCsv(""));
}

TEST(CsvListTest, ListsAreResponsesWithOneRepeatedMessage) {
  EXPECT_NE(ListField(enrolment::v1::ListEmployeesResponse::descriptor()), nullptr);
  EXPECT_EQ(ListField(enrolment::v1::Employee::descriptor()), nullptr);
  EXPECT_EQ(ListField(enrolment::v1::Cohort::descriptor()), nullptr);  // a resource with a repeated part
}

TEST(CsvListTest, ItemsBecomeRowsWithTheUnionOfTheirFields) {
  const std::string json = R"json({"employees":[
      {"name":"tenants/1504/employees/1","fullName":"Siti, S.Kom.","grade":"III/a","birthDate":{"year":1985,"month":3}},
      {"name":"tenants/1504/employees/2","fullName":"=HYPERLINK(\"x\")","position":"Analis \"Kebijakan\""}],
    "nextPageToken":"abc"})json";
  auto csv = ListJsonAsCsv(enrolment::v1::ListEmployeesResponse::descriptor(), json);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->filename, "employees.csv");
  EXPECT_EQ(csv->next_page_token, "abc");
  EXPECT_EQ(csv->body,
            "\xEF\xBB\xBF"
            "name,fullName,grade,birthDate.year,birthDate.month,position\r\n"
            "tenants/1504/employees/1,\"Siti, S.Kom.\",III/a,1985,3,\r\n"
            "tenants/1504/employees/2,\"'=HYPERLINK(\"\"x\"\")\",,,,\"Analis \"\"Kebijakan\"\"\"\r\n");
}

TEST(CsvListTest, NumbersStayNumbersAndTextIsNeutralised) {
  EXPECT_EQ(CsvCell("-12", false), "-12");
  EXPECT_EQ(CsvCell("-12+1", true), "'-12+1");
  EXPECT_EQ(CsvCell("@SUM(A1)", true), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("baris\nkedua", true), "\"baris\nkedua\"");
}

}  // namespace
}  // namespace pelita::gateway
