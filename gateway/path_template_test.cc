#include "gateway/path_template.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "gateway/routes.h"
#include "pelita/complaint/v1/complaint.pb.h"
#include "pelita/enrolment/v1/enrolment.pb.h"

namespace pelita::gateway {
namespace {

TEST(PathTemplateTest, MatchesVariablesWithPatterns) {
  auto t = PathTemplate::Parse("/v1/{name=tenants/*/units/*}");
  ASSERT_TRUE(t.ok()) << t.status();
  Bindings b;
  ASSERT_TRUE(t->Match("/v1/tenants/1504/units/dinkes", &b));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].first, "name");
  EXPECT_EQ(b[0].second, "tenants/1504/units/dinkes");
  EXPECT_FALSE(t->Match("/v1/tenants/1504/units", &b));
  EXPECT_FALSE(t->Match("/v1/tenants/1504/programs/x", &b));
  EXPECT_FALSE(t->Match("/v1/tenants//units/x", &b));
  EXPECT_FALSE(t->Match("/v1/tenants/1504/units/x/y", &b));
}

TEST(PathTemplateTest, CustomVerbAndNestedField) {
  auto t = PathTemplate::Parse("/v1/{name=tenants/*/programs/*/cohorts/*/enrolments/*}:withdraw");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->verb(), "withdraw");
  Bindings b;
  ASSERT_TRUE(t->Match("/v1/tenants/1504/programs/p/cohorts/c/enrolments/196608011988031001:withdraw", &b));
  EXPECT_EQ(b[0].second, "tenants/1504/programs/p/cohorts/c/enrolments/196608011988031001");
  EXPECT_FALSE(t->Match("/v1/tenants/1504/programs/p/cohorts/c/enrolments/x:complete", &b));
  EXPECT_FALSE(t->Match("/v1/tenants/1504/programs/p/cohorts/c/enrolments/x", &b));

  auto u = PathTemplate::Parse("/v1/{unit.name=tenants/*/units/*}");
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(u->Match("/v1/tenants/1504/units/a", &b));
  EXPECT_EQ(b[0].first, "unit.name");

  auto verb_after_literal = PathTemplate::Parse("/v1/{parent=tenants/*}/employees:import");
  ASSERT_TRUE(verb_after_literal.ok());
  EXPECT_EQ(verb_after_literal->verb(), "import");
  EXPECT_TRUE(verb_after_literal->Match("/v1/tenants/1504/employees:import", &b));
  EXPECT_EQ(b[0].second, "tenants/1504");
  EXPECT_FALSE(verb_after_literal->Match("/v1/tenants/1504/employees", &b));
}

TEST(PathTemplateTest, PercentDecodingAndDoubleStar) {
  auto t = PathTemplate::Parse("/v1/{id}/files/{path=**}");
  ASSERT_TRUE(t.ok()) << t.status();
  Bindings b;
  ASSERT_TRUE(t->Match("/v1/a%20b/files/x/y/z", &b));
  EXPECT_EQ(b[0].second, "a b");
  EXPECT_EQ(b[1].second, "x/y/z");
  EXPECT_EQ(PercentDecode("a+b%2Fc", true), "a b/c");
  EXPECT_EQ(PercentDecode("a+b%2", false), "a+b%2");
}

TEST(PathTemplateTest, RejectsMalformedTemplates) {
  EXPECT_FALSE(PathTemplate::Parse("v1/x").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/{name=tenants/*").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/**/x").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/x/").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/x:").ok());
}

const google::protobuf::ServiceDescriptor* Enrolment() {
  return pelita::enrolment::v1::Unit::descriptor()->file()->FindServiceByName("EnrolmentService");
}

TEST(RouteTableTest, EveryAnnotatedRpcIsRouted) {
  auto table = RouteTable::FromServices({Enrolment()});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->routes().size(), static_cast<size_t>(Enrolment()->method_count()));
  const Route* r = nullptr;
  Bindings b;
  ASSERT_EQ(table->Match("POST", "/v1/tenants/1504/programs/p/cohorts/c/enrolments/n:withdraw", &r, &b),
            RouteTable::MatchResult::kFound);
  EXPECT_EQ(r->method->name(), "WithdrawEnrolment");
  EXPECT_EQ(r->backend, "enrolment");
  EXPECT_EQ(r->grpc_path, "/pelita.enrolment.v1.EnrolmentService/WithdrawEnrolment");
  ASSERT_EQ(table->Match("POST", "/v1/tenants/1504/employees:import", &r, &b), RouteTable::MatchResult::kFound);
  EXPECT_EQ(r->method->name(), "ImportEmployees");
  ASSERT_NE(r->chunk_field, nullptr);
  EXPECT_EQ(r->chunk_field->name(), "csv_chunk");
  ASSERT_EQ(table->Match("GET", "/v1/tenants/1504/employees/196608011988031001/learningHours", &r, &b),
            RouteTable::MatchResult::kFound);
  EXPECT_EQ(r->method->name(), "GetLearningHours");
  // A singleton (AIP-156): the whole path, suffix included, is its name.
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].first, "name");
  EXPECT_EQ(b[0].second, "tenants/1504/employees/196608011988031001/learningHours");
  EXPECT_EQ(table->Match("PUT", "/v1/tenants/1504/units/x", &r, &b),
            RouteTable::MatchResult::kMethodNotAllowed);
  EXPECT_EQ(table->Match("GET", "/v2/nothing", &r, &b), RouteTable::MatchResult::kNotFound);
}

TEST(RouteTableTest, GeneratedPoolHasTheLinkedServices) {
  auto table = RouteTable::FromGeneratedPool();
  ASSERT_TRUE(table.ok()) << table.status();
  auto backends = table->backends();
  EXPECT_NE(std::find(backends.begin(), backends.end(), "enrolment"), backends.end());
  EXPECT_GE(LinkedProtoCount(), 1);
}

TEST(BuildRequestTest, BodyFieldPathAndQuery) {
  auto table = RouteTable::FromServices({Enrolment()});
  ASSERT_TRUE(table.ok());
  const Route* r = nullptr;
  Bindings b;
  ASSERT_EQ(table->Match("PATCH", "/v1/tenants/1504/units/dinkes", &r, &b), RouteTable::MatchResult::kFound);
  pelita::enrolment::v1::UpdateUnitRequest req;
  // The path's name wins over a name in the body.
  ASSERT_TRUE(BuildRequest(*r, R"({"name":"tenants/1505/units/x","displayName":"Dinkes"})",
                           "update_mask=displayName,kind", b, &req).ok());
  EXPECT_EQ(req.unit().name(), "tenants/1504/units/dinkes");
  EXPECT_EQ(req.unit().display_name(), "Dinkes");
  ASSERT_EQ(req.update_mask().paths_size(), 2);
  EXPECT_EQ(req.update_mask().paths(0), "display_name");

  auto bad = BuildRequest(*r, R"({"nope":1})", "", b, &req);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("nope"), std::string::npos) << bad.message();

  // A mask path that names no field (quotes, controls, a leading '_') is
  // refused with the field it came in, not echoed; "*" and nested names pass.
  for (const char* mask : {"update_mask=pz%22_splayn%00%3Ecost", "update_mask=displayName,_x",
                           "update_mask=a..b", "update_mask=a%20b", "update_mask=tuf.Li__44",
                           "update_mask=unit.display_", "update_mask=a_1", "update_mask=q_oK.k"}) {
    auto refused = BuildRequest(*r, R"({"displayName":"Dinkes"})", mask, b, &req);
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << mask;
    EXPECT_TRUE(absl::StartsWith(refused.message(), "updateMask: path ")) << refused.message();
    EXPECT_EQ(refused.message().find("splayn"), std::string::npos) << refused.message();
  }
  EXPECT_TRUE(BuildRequest(*r, R"({"displayName":"Dinkes"})", "update_mask=*", b, &req).ok());
  EXPECT_TRUE(BuildRequest(*r, R"({"displayName":"Dinkes"})", "update_mask=unit.displayName", b, &req).ok());
}

TEST(BuildRequestTest, QueryScalarsRepeatedEnumsAndErrors) {
  pelita::enrolment::v1::Program p;
  ASSERT_TRUE(SetFieldFromText(&p, "competency_type", "MANAJERIAL", "competencyType").ok());
  EXPECT_EQ(p.competency_type(), pelita::enrolment::v1::MANAJERIAL);
  ASSERT_TRUE(SetFieldFromText(&p, "competencyType", "3", "competencyType").ok());
  EXPECT_EQ(p.competency_type(), pelita::enrolment::v1::SOSIAL_KULTURAL);
  ASSERT_TRUE(SetFieldFromText(&p, "objectives", "a", "objectives").ok());
  ASSERT_TRUE(SetFieldFromText(&p, "objectives", "b", "objectives").ok());
  EXPECT_EQ(p.objectives_size(), 2);
  ASSERT_TRUE(SetFieldFromText(&p, "budget", "150000000", "budget").ok());
  EXPECT_EQ(p.budget(), 150000000);
  ASSERT_TRUE(SetFieldFromText(&p, "create_time", "2026-01-02T03:04:05Z", "create_time").ok());
  EXPECT_EQ(p.create_time().seconds(), 1767323045);
  auto s = SetFieldFromText(&p, "jp", "many", "jp");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("jp"), std::string::npos);
  // A name in another case is the value it names; a word that is no name
  // still fails, listing the names.
  ASSERT_TRUE(SetFieldFromText(&p, "competency_type", "manajerial", "competencyType").ok());
  EXPECT_EQ(p.competency_type(), pelita::enrolment::v1::MANAJERIAL);
  ASSERT_TRUE(SetFieldFromText(&p, "competency_type", "Sosial_Kultural", "competencyType").ok());
  EXPECT_EQ(p.competency_type(), pelita::enrolment::v1::SOSIAL_KULTURAL);
  auto bogus = SetFieldFromText(&p, "competency_type", "BOGUS", "competencyType");
  EXPECT_EQ(bogus.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bogus.message().find("must be one of"), std::string::npos) << bogus.message();
  EXPECT_NE(bogus.message().find("MANAJERIAL"), std::string::npos) << bogus.message();
  EXPECT_FALSE(SetFieldFromText(&p, "unknown", "1", "unknown").ok());

  pelita::enrolment::v1::CreateCohortRequest c;
  ASSERT_TRUE(SetFieldFromText(&c, "cohort.start_date.year", "2026", "cohort.start_date.year").ok());
  EXPECT_EQ(c.cohort().start_date().year(), 2026);
}

TEST(BuildRequestTest, TenantsInFindsNestedNames) {
  pelita::enrolment::v1::CreateEnrolmentRequest r;
  r.set_parent("tenants/1504/programs/p/cohorts/c");
  r.mutable_enrolment()->set_employee("tenants/1505/employees/1");
  std::vector<std::string> tenants;
  TenantsIn(r, &tenants);
  ASSERT_EQ(tenants.size(), 2u);
  EXPECT_EQ(tenants[0], "1504");
  EXPECT_EQ(tenants[1], "1505");
}

// Complaint's singletons (AIP-156) bind the whole path, suffix included, to
// `name`; its calendar takes the standard Update (PATCH, the name inside
// the body's resource).
TEST(RouteTableTest, SingletonsAndStandardUpdates) {
  auto table = RouteTable::FromServices(
      {pelita::complaint::v1::Complaint::descriptor()->file()->FindServiceByName("ComplaintService")});
  ASSERT_TRUE(table.ok()) << table.status();
  const Route* r = nullptr;
  Bindings b;
  ASSERT_EQ(table->Match("GET", "/v1/tenants/1504/units/dukcapil/satisfaction", &r, &b),
            RouteTable::MatchResult::kFound);
  EXPECT_EQ(r->method->name(), "GetSatisfaction");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].first, "name");
  EXPECT_EQ(b[0].second, "tenants/1504/units/dukcapil/satisfaction");
  ASSERT_EQ(table->Match("GET", "/v1/tenants/1504/complaintStatistics", &r, &b), RouteTable::MatchResult::kFound);
  EXPECT_EQ(r->method->name(), "GetComplaintStatistics");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].second, "tenants/1504/complaintStatistics");
  ASSERT_EQ(table->Match("PATCH", "/v1/tenants/1504/workingCalendar", &r, &b), RouteTable::MatchResult::kFound);
  EXPECT_EQ(r->method->name(), "UpdateWorkingCalendar");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].first, "calendar.name");
  EXPECT_EQ(table->Match("POST", "/v1/tenants/1504/workingCalendar:update", &r, &b),
            RouteTable::MatchResult::kNotFound);
}

}  // namespace
}  // namespace pelita::gateway
