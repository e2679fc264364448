#include "services/enrolment/enrolment.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <optional>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lib/csv/csv_reader.h"
#include "lib/csv/import_report.h"
#include "lib/role/reach.h"
#include "lib/role/role.h"
#include "lib/ids/slug.h"
#include "lib/status/status.h"
#include "lib/store/field_mask.h"
#include "services/enrolment/domain.h"
#include "services/enrolment/external.h"
#include "services/enrolment/external_store.h"

namespace pelita::enrolment {
namespace {

PersonFacts FactsOf(const v1::Employee& e) { return PersonFacts{e.nip(), e.unit(), e.supervisor_nip()}; }

absl::Status OutsideReach(const Caller& c, absl::string_view what) {
  return WithReason(absl::PermissionDeniedError(absl::StrCat("role ", c.role, " does not reach ", what,
                                                             " (docs/ROLES.md)")),
                    "OUTSIDE_REACH");
}

// Birth date and gender are for staff and the person themselves.
void RedactFor(const Caller& c, v1::Employee& e) {
  if (SeesPersonalDetails(c, e.nip())) return;
  e.clear_birth_date();
  e.clear_gender();
}

// Whether the role sees the whole roster of the tenant (the rest see the
// people ReachesPerson gives them).
bool SeesWholeRoster(const Caller& c) {
  return IsStaff(c) || IsRole(c, Role::kProvince) || IsRole(c, Role::kNationalIntegrator);
}

// The most staff one supervisor's list returns (a whole list, one page).
constexpr int kMaxStaffOfSupervisor = 1000;

using google::protobuf::Empty;
using store::IndexOp;

constexpr char kTenantPattern[] = "tenants/*";
constexpr char kUnitPattern[] = "tenants/*/units/*";
constexpr char kEmployeePattern[] = "tenants/*/employees/*";
constexpr char kProgramPattern[] = "tenants/*/programs/*";
constexpr char kCohortPattern[] = "tenants/*/programs/*/cohorts/*";
constexpr char kEnrolmentPattern[] = "tenants/*/programs/*/cohorts/*/enrolments/*";


// Resolves the tenant of a `parent` such as `tenants/1504`.
absl::StatusOr<std::string> ParseParent(const Caller& c, const std::string& parent) {
  auto v = ParseTenantResource(c, "parent", parent, kTenantPattern);
  if (!v.ok()) return v.status();
  return (*v)[0];
}

// Chooses the id of a new resource: the client's (validated) or one derived
// from `fallback` text.
absl::StatusOr<std::string> ChooseId(const std::string& field, const std::string& requested) {
  PELITA_RETURN_IF_ERROR(ValidateSlug(field, requested));
  return requested;
}

template <typename M>
absl::StatusOr<std::vector<M>> ParseAll(const store::ResourceTable::Page& page) {
  std::vector<M> out;
  for (const auto& [id, bytes] : page.items) {
    M m;
    if (!m.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("corrupt record ", id));
    out.push_back(std::move(m));
  }
  return out;
}

// External trainings newest end date first; on one day by source and id,
// so that the order is the same on every call.
void SortNewestFirst(std::vector<v1::ExternalTraining>& records) {
  auto key = [](const v1::ExternalTraining& t) {
    return std::make_tuple(-t.end_date().year(), -t.end_date().month(), -t.end_date().day(), t.source(),
                           t.source_id());
  };
  std::sort(records.begin(), records.end(),
            [&](const v1::ExternalTraining& a, const v1::ExternalTraining& b) { return key(a) < key(b); });
}

}  // namespace

EnrolmentLogic::EnrolmentLogic(redis::Client* redis, Clock clock)
    : redis_(redis), clock_(std::move(clock)) {}

absl::StatusOr<absl::CivilDay> EnrolmentLogic::Today(const std::string& tenant) const {
  PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(tenant));
  return TodayIn(zone, clock_());
}

// ---------------------------------------------------------------- units

absl::StatusOr<v1::Unit> EnrolmentLogic::CreateUnit(const Caller& c,
                                                    const v1::CreateUnitRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, r.parent()));
  PELITA_ASSIGN_OR_RETURN(std::string id, ChooseId("unit_id", r.unit_id()));
  v1::Unit unit = r.unit();
  PELITA_RETURN_IF_ERROR(ValidateUnit(unit, "unit"));
  unit.set_name(absl::StrCat(r.parent(), "/units/", id));
  *unit.mutable_create_time() = *unit.mutable_update_time() = ToTimestamp(clock_());
  EnrolmentStore store(redis_, tenant);
  PELITA_RETURN_IF_ERROR(store.units().Insert(id, unit.SerializeAsString()));
  return unit;
}

absl::StatusOr<v1::Unit> EnrolmentLogic::GetUnit(const Caller& c, const v1::GetUnitRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "name", r.name(), kUnitPattern));
  EnrolmentStore store(redis_, v[0]);
  return store.units().Get<v1::Unit>(v[1]);
}

absl::StatusOr<v1::ListUnitsResponse> EnrolmentLogic::ListUnits(const Caller& c,
                                                                const v1::ListUnitsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, r.parent()));
  EnrolmentStore store(redis_, tenant);
  PELITA_ASSIGN_OR_RETURN(auto page, store.units().List(r.page_size(), r.page_token()));
  PELITA_ASSIGN_OR_RETURN(auto units, ParseAll<v1::Unit>(page));
  v1::ListUnitsResponse out;
  for (auto& u : units) *out.add_units() = std::move(u);
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<v1::Unit> EnrolmentLogic::UpdateUnit(const Caller& c,
                                                    const v1::UpdateUnitRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "unit.name", r.unit().name(), kUnitPattern));
  EnrolmentStore store(redis_, v[0]);
  return store.units().Update<v1::Unit>(v[1], [&](v1::Unit& unit) -> absl::Status {
    PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(r.unit(), r.update_mask(),
                                                 {"name", "create_time", "update_time"}, &unit));
    PELITA_RETURN_IF_ERROR(ValidateUnit(unit, "unit"));
    *unit.mutable_update_time() = ToTimestamp(clock_());
    return absl::OkStatus();
  });
}

absl::StatusOr<Empty> EnrolmentLogic::DeleteUnit(const Caller& c, const v1::DeleteUnitRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "name", r.name(), kUnitPattern));
  EnrolmentStore store(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(std::string raw, store.units().GetRaw(v[1]));
  PELITA_ASSIGN_OR_RETURN(int64_t n, store.UnitEmployeeCount(v[1]));
  if (n > 0) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat("unit ", v[1], " still has ", n,
                                                                 " employees; move or delete them first")),
                      "UNIT_HAS_EMPLOYEES", {{"employees", absl::StrCat(n)}});
  }
  PELITA_RETURN_IF_ERROR(store.units().Remove(v[1], raw));
  return Empty();
}

// ------------------------------------------------------------ employees

absl::Status EnrolmentLogic::CheckUnitExists(EnrolmentStore& store, const std::string& unit_name,
                                             const std::string& tenant, const std::string& field) {
  auto v = ParseResourceName(field, unit_name, kUnitPattern);
  if (!v.ok()) return WithReason(v.status(), "INVALID_UNIT");
  if ((*v)[0] != tenant) return WithReason(InvalidField(field, "must be a unit of the same tenant"), "UNKNOWN_UNIT");
  auto raw = store.units().GetRaw((*v)[1]);
  if (raw.status().code() == absl::StatusCode::kNotFound) {
    return WithReason(absl::NotFoundError(absl::StrCat(field, ": unit ", unit_name, " not found")), "UNKNOWN_UNIT");
  }
  return raw.status();
}

absl::Status EnrolmentLogic::CheckSupervisorExists(EnrolmentStore& store, const v1::Employee& e,
                                                   const std::string& tenant, const std::string& field) {
  if (e.supervisor_nip().empty()) return absl::OkStatus();
  auto raw = store.employees().GetRaw(e.supervisor_nip());
  if (raw.status().code() == absl::StatusCode::kNotFound) {
    return WithReason(InvalidField(field, absl::StrCat(e.supervisor_nip(), " is not an employee of tenant ", tenant,
                                                       " (add the supervisor to the roster first)")),
                      "UNKNOWN_SUPERVISOR");
  }
  return raw.status();
}

absl::StatusOr<v1::Employee> EnrolmentLogic::InsertEmployee(const Caller& c,
                                                            const std::string& parent,
                                                            v1::Employee e,
                                                            const std::string& field) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, parent));
  PELITA_ASSIGN_OR_RETURN(const absl::CivilDay today_in_tenant, Today(c.tenant));
  PELITA_RETURN_IF_ERROR(ValidateEmployee(e, field, today_in_tenant));
  EnrolmentStore store(redis_, tenant);
  PELITA_RETURN_IF_ERROR(CheckUnitExists(store, e.unit(), tenant, field + ".unit"));
  PELITA_RETURN_IF_ERROR(CheckSupervisorExists(store, e, tenant, field + ".supervisor_nip"));
  e.set_name(absl::StrCat(parent, "/employees/", e.nip()));
  *e.mutable_create_time() = *e.mutable_update_time() = ToTimestamp(clock_());
  const std::string unit_id = e.unit().substr(e.unit().rfind('/') + 1);
  PELITA_RETURN_IF_ERROR(store.employees().Insert(
      e.nip(), e.SerializeAsString(),
      {{IndexOp::Kind::kSetAdd, store.UnitEmployeesKey(unit_id), e.nip()}}));
  return e;
}

absl::StatusOr<v1::Employee> EnrolmentLogic::CreateEmployee(const Caller& c,
                                                            const v1::CreateEmployeeRequest& r) {
  return InsertEmployee(c, r.parent(), r.employee(), "employee");
}

absl::StatusOr<v1::Employee> EnrolmentLogic::GetEmployee(const Caller& c,
                                                         const v1::GetEmployeeRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "name", r.name(), kEmployeePattern));
  EnrolmentStore store(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(auto e, store.employees().Get<v1::Employee>(v[1]));
  if (!ReachesPerson(c, FactsOf(e))) return OutsideReach(c, r.name());
  RedactFor(c, e);
  return e;
}

absl::StatusOr<v1::ListEmployeesResponse> EnrolmentLogic::ListEmployees(
    const Caller& c, const v1::ListEmployeesRequest& r) {
  if (SeesWholeRoster(c)) return ListRoster(c, r);
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, r.parent()));
  v1::ListEmployeesResponse out;
  if (IsRole(c, Role::kAgencyHead)) {
    // The unit's roster, paged as for staff.
    if (c.unit.empty()) return OutsideReach(c, "any unit (the token names none)");
    if (!r.unit().empty() && r.unit() != c.unit) return OutsideReach(c, r.unit());
    v1::ListEmployeesRequest own = r;
    own.set_unit(c.unit);
    PELITA_ASSIGN_OR_RETURN(out, ListRoster(c, own));
  } else if (IsRole(c, Role::kSupervisor)) {
    // Their own staff, in one page: the roster read through and filtered.
    EnrolmentStore store(redis_, tenant);
    std::string token;
    do {
      PELITA_ASSIGN_OR_RETURN(auto page, store.employees().List(store::kMaxPageSize, token));
      PELITA_ASSIGN_OR_RETURN(auto employees, ParseAll<v1::Employee>(page));
      for (auto& e : employees) {
        if (e.supervisor_nip() == c.subject && !c.subject.empty() &&
            (r.unit().empty() || e.unit() == r.unit()) && out.employees_size() < kMaxStaffOfSupervisor) {
          *out.add_employees() = std::move(e);
        }
      }
      token = page.next_page_token;
    } while (!token.empty());
  } else {
    // Everyone else reaches only themselves.
    EnrolmentStore store(redis_, tenant);
    auto self = store.employees().Get<v1::Employee>(c.subject);
    if (self.ok() && (r.unit().empty() || self->unit() == r.unit())) {
      *out.add_employees() = *std::move(self);
    } else if (!self.ok() && self.status().code() != absl::StatusCode::kNotFound) {
      return self.status();
    }
  }
  for (auto& e : *out.mutable_employees()) RedactFor(c, e);
  return out;
}

absl::StatusOr<v1::ListEmployeesResponse> EnrolmentLogic::ListRoster(const Caller& c,
                                                                     const v1::ListEmployeesRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, r.parent()));
  EnrolmentStore store(redis_, tenant);
  v1::ListEmployeesResponse out;
  if (r.unit().empty()) {
    PELITA_ASSIGN_OR_RETURN(auto page, store.employees().List(r.page_size(), r.page_token()));
    PELITA_ASSIGN_OR_RETURN(auto employees, ParseAll<v1::Employee>(page));
    for (auto& e : employees) *out.add_employees() = std::move(e);
    out.set_next_page_token(page.next_page_token);
    return out;
  }
  // Filtered by unit: page through the unit's set of NIPs in NIP order.
  PELITA_ASSIGN_OR_RETURN(auto u, ParseResourceName("unit", r.unit(), kUnitPattern));
  if (u[0] != tenant) return InvalidField("unit", "must be a unit of the parent tenant");
  PELITA_ASSIGN_OR_RETURN(int size, store::EffectivePageSize(r.page_size()));
  std::string after;
  if (!r.page_token().empty()) {
    PELITA_ASSIGN_OR_RETURN(after, store::DecodePageToken(r.page_token()));
  }
  auto members = redis_->Run({"SORT", store.UnitEmployeesKey(u[1]), "ALPHA"});
  if (!members.ok()) return members.status();
  std::vector<std::string> nips;
  for (const auto& m : members->elements) {
    if (m.str > after) nips.push_back(m.str);
  }
  bool more = nips.size() > static_cast<size_t>(size);
  if (more) nips.resize(size);
  redis::Command hmget = {"HMGET", store.employees().hash_key()};
  hmget.insert(hmget.end(), nips.begin(), nips.end());
  if (!nips.empty()) {
    auto values = redis_->Run(hmget);
    if (!values.ok()) return values.status();
    for (const auto& v : values->elements) {
      if (v.is_string()) out.add_employees()->ParseFromString(v.str);
    }
  }
  if (more) out.set_next_page_token(store::EncodePageToken(nips.back()));
  return out;
}

absl::StatusOr<v1::Employee> EnrolmentLogic::UpdateEmployee(const Caller& c,
                                                            const v1::UpdateEmployeeRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "employee.name", r.employee().name(),
                                                      kEmployeePattern));
  EnrolmentStore store(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(const absl::CivilDay today, Today(c.tenant));
  return store.employees().Update<v1::Employee>(
      v[1],
      [&](v1::Employee& e) -> absl::Status {
        PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(
            r.employee(), r.update_mask(),
            {"name", "nip", "birth_date", "gender", "create_time", "update_time"}, &e));
        PELITA_RETURN_IF_ERROR(ValidateEmployee(e, "employee", today));
        PELITA_RETURN_IF_ERROR(CheckUnitExists(store, e.unit(), v[0], "employee.unit"));
        PELITA_RETURN_IF_ERROR(CheckSupervisorExists(store, e, v[0], "employee.supervisor_nip"));
        *e.mutable_update_time() = ToTimestamp(clock_());
        return absl::OkStatus();
      },
      [&](const v1::Employee& before, const v1::Employee& after) {
        std::vector<IndexOp> ops;
        if (before.unit() != after.unit()) {
          auto id = [](const std::string& n) { return n.substr(n.rfind('/') + 1); };
          ops.push_back({IndexOp::Kind::kSetRemove, store.UnitEmployeesKey(id(before.unit())), after.nip()});
          ops.push_back({IndexOp::Kind::kSetAdd, store.UnitEmployeesKey(id(after.unit())), after.nip()});
        }
        return ops;
      });
}

absl::StatusOr<Empty> EnrolmentLogic::DeleteEmployee(const Caller& c,
                                                     const v1::DeleteEmployeeRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "name", r.name(), kEmployeePattern));
  EnrolmentStore store(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(std::string raw, store.employees().GetRaw(v[1]));
  PELITA_ASSIGN_OR_RETURN(int64_t n, store.EmployeeCohortCount(v[1]));
  if (n > 0) {
    return WithReason(absl::FailedPreconditionError(
                          absl::StrCat("employee ", v[1], " is in ", n, " cohorts; withdraw first")),
                      "EMPLOYEE_IN_COHORTS", {{"cohorts", absl::StrCat(n)}});
  }
  v1::Employee e;
  e.ParseFromString(raw);
  const std::string unit_id = e.unit().substr(e.unit().rfind('/') + 1);
  PELITA_RETURN_IF_ERROR(store.employees().Remove(
      v[1], raw, {{IndexOp::Kind::kSetRemove, store.UnitEmployeesKey(unit_id), v[1]}}));
  // Their trainings outside Pelita go with them (a second script: should
  // it fail, the records count nowhere, as compliance reads the units'
  // rosters, and a repeated delete answers NOT_FOUND; the next replace for
  // a re-added NIP overwrites them).
  PELITA_RETURN_IF_ERROR(ExternalTrainingStore(redis_, v[0]).Forget(v[1]));
  return Empty();
}

absl::StatusOr<EnrolmentLogic::Upsert> EnrolmentLogic::UpsertEmployee(const Caller& c, v1::Employee e,
                                                                      const std::string& field,
                                                                      bool with_supervisor) {
  const std::string parent = absl::StrCat("tenants/", c.tenant);
  auto inserted = InsertEmployee(c, parent, e, field);
  if (inserted.ok()) return Upsert::kCreated;
  if (inserted.status().code() != absl::StatusCode::kAlreadyExists) return inserted.status();
  // Stored already: written again only when the row says something else,
  // so that a re-run of a file changes nothing (not even update_time).
  EnrolmentStore store(redis_, c.tenant);
  PELITA_ASSIGN_OR_RETURN(v1::Employee stored, store.employees().Get<v1::Employee>(e.nip()));
  v1::Employee want = e;
  PELITA_ASSIGN_OR_RETURN(const absl::CivilDay today_in_tenant, Today(c.tenant));
  PELITA_RETURN_IF_ERROR(ValidateEmployee(want, field, today_in_tenant));
  if (stored.full_name() == want.full_name() && stored.unit() == want.unit() &&
      stored.position() == want.position() && stored.grade() == want.grade() &&
      stored.employment_type() == want.employment_type() &&
      (!with_supervisor || stored.supervisor_nip() == want.supervisor_nip())) {
    return Upsert::kUnchanged;
  }
  v1::UpdateEmployeeRequest update;
  e.set_name(absl::StrCat(parent, "/employees/", e.nip()));
  *update.mutable_employee() = e;
  for (const char* path : {"full_name", "unit", "position", "grade", "employment_type"}) {
    update.mutable_update_mask()->add_paths(path);
  }
  // A file without the supervisor column keeps the recorded supervisors.
  if (with_supervisor) update.mutable_update_mask()->add_paths("supervisor_nip");
  PELITA_RETURN_IF_ERROR(UpdateEmployee(c, update).status());
  return Upsert::kReplaced;
}

// A CSV import: header row first (columns in any order), then one employee
// per row.  Each row is validated and written on its own; a bad row is
// reported and skipped.  The answer follows pelita/type/v1/import.proto.
class EmployeeImportImpl : public EnrolmentLogic::EmployeeImport {
 public:
  EmployeeImportImpl(EnrolmentLogic* logic, Caller caller)
      : logic_(logic), caller_(std::move(caller)),
        reader_({}, [this](csv::Row& row) { return OnRow(row); }) {
    report_.set_id_column("nip");
  }

  absl::Status Feed(absl::string_view chunk) override { return reader_.Feed(chunk); }
  bool stopped() const override { return reader_.broken().has_value(); }

  absl::StatusOr<type::v1::ImportResult> Finish(bool truncated) override {
    if (truncated) {
      reader_.Truncate();
    } else {
      PELITA_RETURN_IF_ERROR(reader_.Finish());
    }
    if (reader_.broken()) {
      report_.Stop(*reader_.broken());
    } else if (!header_) {
      return absl::InvalidArgumentError("csv_chunk: the file is empty (no header row)");
    }
    return report_.Finish();
  }

 private:
  // The column (from 0) a validation message is about ("row.unit: ..."), or
  // -1 for the row as a whole.
  int ColumnOf(absl::string_view message) const {
    struct Map { const char* prefix; const char* column; };
    static constexpr Map kMap[] = {{"row.nip", "nip"},          {"row.full_name", "name"},
                                   {"row.unit", "unit"},        {"row.position", "position"},
                                   {"row.grade", "grade"},      {"row.employment_type", "employment_type"}};
    if (absl::StartsWith(message, "row.supervisor_nip")) {
      auto i = header_->Find("supervisor_nip");
      if (!i) i = header_->Find("nip_atasan");
      return i ? static_cast<int>(*i) : -1;
    }
    for (const Map& m : kMap) {
      if (absl::StartsWith(message, m.prefix)) {
        auto i = header_->Find(m.column);
        return i ? static_cast<int>(*i) : -1;
      }
    }
    return -1;
  }
  void Reject(const csv::Row& row, int column, const std::string& nip, absl::string_view code,
              absl::string_view why) {
    report_.Reject(row.number, row.line, column + 1, column < 0 ? "" : header_->NameOf(column), nip, code, why);
  }

  absl::Status OnRow(csv::Row& row) {
    if (!header_) {
      if (!row.error.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("csv_chunk: record 1 (line 1), column ",
                                                       row.column, " of the header: ", row.error));
      }
      header_.emplace(row.fields);
      for (const char* required : {"nip", "name", "unit", "employment_type"}) {
        if (!header_->Find(required)) {
          return absl::InvalidArgumentError(
              absl::StrCat("csv_chunk: record 1 (line 1): the header has no '", required, "' column"));
        }
      }
      return absl::OkStatus();
    }
    auto col = [&](const char* name) -> std::string {
      auto i = header_->Find(name);
      return i && *i < row.fields.size() ? std::string(absl::StripAsciiWhitespace(row.fields[*i])) : "";
    };
    if (!row.error.empty()) {
      Reject(row, row.column - 1, col("nip"), row.code, row.error);
      return absl::OkStatus();
    }
    bool blank = true;
    for (const auto& f : row.fields) blank &= absl::StripAsciiWhitespace(f).empty();
    if (blank) return absl::OkStatus();
    if (row.fields.size() != header_->size()) {
      Reject(row, -1, col("nip"), "FIELD_COUNT",
             absl::StrCat("has ", row.fields.size(), " fields, the header has ", header_->size()));
      return absl::OkStatus();
    }
    v1::Employee e;
    e.set_nip(col("nip"));
    e.set_full_name(col("name"));
    std::string unit = col("unit");
    e.set_unit(unit.empty() || absl::StartsWith(unit, "tenants/")
                   ? unit
                   : absl::StrCat("tenants/", caller_.tenant, "/units/", unit));
    e.set_position(col("position"));
    e.set_grade(col("grade"));
    e.set_employment_type(ParseEmploymentType(col("employment_type")));
    const bool with_supervisor = header_->Find("supervisor_nip") || header_->Find("nip_atasan");
    if (with_supervisor) {
      e.set_supervisor_nip(header_->Find("supervisor_nip") ? col("supervisor_nip") : col("nip_atasan"));
    }
    auto done = logic_->UpsertEmployee(caller_, e, "row", with_supervisor);
    if (done.ok()) {
      switch (*done) {
        case EnrolmentLogic::Upsert::kCreated:
          report_.Accepted();
          break;
        case EnrolmentLogic::Upsert::kReplaced:
          report_.Replaced();
          break;
        case EnrolmentLogic::Upsert::kUnchanged:
          report_.Unchanged();
          break;
      }
    } else if (done.status().code() == absl::StatusCode::kUnavailable ||
               done.status().code() == absl::StatusCode::kDeadlineExceeded) {
      // Storage trouble is not the row's fault: stop and let the client retry
      // the (idempotent) import.
      return done.status();
    } else {
      // The validations name their reason (services/enrolment/README.md,
      // "Import reason codes"); anything else refused is INVALID_ROW.
      std::string code = ErrorReason(done.status());
      if (code.empty()) code = "INVALID_ROW";
      Reject(row, ColumnOf(done.status().message()), e.nip(), code, done.status().message());
    }
    return absl::OkStatus();
  }

  EnrolmentLogic* logic_;
  Caller caller_;
  csv::Reader reader_;
  std::optional<csv::Header> header_;
  csv::ImportReport report_;
};

absl::StatusOr<std::unique_ptr<EnrolmentLogic::EmployeeImport>>
EnrolmentLogic::StartEmployeeImport(const Caller& c, const std::string& parent) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, parent));
  return std::unique_ptr<EmployeeImport>(new EmployeeImportImpl(this, c));
}

// ------------------------------------------------------------- programs

absl::StatusOr<v1::Program> EnrolmentLogic::CreateProgram(const Caller& c,
                                                          const v1::CreateProgramRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, r.parent()));
  PELITA_ASSIGN_OR_RETURN(std::string id, ChooseId("program_id", r.program_id()));
  v1::Program p = r.program();
  PELITA_RETURN_IF_ERROR(ValidateProgram(p, "program"));
  p.set_name(absl::StrCat(r.parent(), "/programs/", id));
  *p.mutable_create_time() = *p.mutable_update_time() = ToTimestamp(clock_());
  EnrolmentStore store(redis_, tenant);
  PELITA_RETURN_IF_ERROR(store.programs().Insert(id, p.SerializeAsString()));
  return p;
}

absl::StatusOr<v1::Program> EnrolmentLogic::GetProgram(const Caller& c,
                                                       const v1::GetProgramRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "name", r.name(), kProgramPattern));
  EnrolmentStore store(redis_, v[0]);
  return store.programs().Get<v1::Program>(v[1]);
}

absl::StatusOr<v1::ListProgramsResponse> EnrolmentLogic::ListPrograms(
    const Caller& c, const v1::ListProgramsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, r.parent()));
  EnrolmentStore store(redis_, tenant);
  PELITA_ASSIGN_OR_RETURN(auto page, store.programs().List(r.page_size(), r.page_token()));
  PELITA_ASSIGN_OR_RETURN(auto programs, ParseAll<v1::Program>(page));
  v1::ListProgramsResponse out;
  for (auto& p : programs) *out.add_programs() = std::move(p);
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<v1::Program> EnrolmentLogic::UpdateProgram(const Caller& c,
                                                          const v1::UpdateProgramRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "program.name", r.program().name(),
                                                      kProgramPattern));
  EnrolmentStore store(redis_, v[0]);
  return store.programs().Update<v1::Program>(v[1], [&](v1::Program& p) -> absl::Status {
    PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(r.program(), r.update_mask(),
                                                 {"name", "create_time", "update_time"}, &p));
    PELITA_RETURN_IF_ERROR(ValidateProgram(p, "program"));
    *p.mutable_update_time() = ToTimestamp(clock_());
    return absl::OkStatus();
  });
}

absl::StatusOr<Empty> EnrolmentLogic::DeleteProgram(const Caller& c,
                                                    const v1::DeleteProgramRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "name", r.name(), kProgramPattern));
  EnrolmentStore store(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(std::string raw, store.programs().GetRaw(v[1]));
  PELITA_ASSIGN_OR_RETURN(auto cohorts, store.Cohorts(v[1]).List(1, ""));
  if (!cohorts.items.empty()) {
    return WithReason(absl::FailedPreconditionError(
                          absl::StrCat("program ", v[1], " still has cohorts; delete them first")),
                      "PROGRAM_HAS_COHORTS");
  }
  PELITA_RETURN_IF_ERROR(store.programs().Remove(v[1], raw));
  return Empty();
}

// -------------------------------------------------------------- cohorts

absl::StatusOr<EnrolmentLogic::CohortRef> EnrolmentLogic::ParseCohort(const Caller& c,
                                                                      const std::string& field,
                                                                      const std::string& name) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, field, name, kCohortPattern));
  return CohortRef{v[0], v[1], v[2]};
}

absl::StatusOr<v1::Cohort> EnrolmentLogic::FillCounts(EnrolmentStore& store, const std::string& ck,
                                                      v1::Cohort cohort, const v1::Program* program) {
  PELITA_ASSIGN_OR_RETURN(auto counts, store.CohortCounts(ck));
  cohort.set_enrolled_count(counts.first);
  cohort.set_waitlisted_count(counts.second);
  // The follow-up windows follow from the last day and the programme's
  // offsets; derived on every read, so an edited programme applies at once.
  cohort.clear_follow_up_windows();
  std::optional<v1::Program> loaded;
  if (program == nullptr) {
    auto p = store.programs().Get<v1::Program>(ck.substr(0, ck.find('/')));
    if (!p.ok() && p.status().code() != absl::StatusCode::kNotFound) return p.status();
    if (p.ok()) program = &loaded.emplace(std::move(*p));
  }
  AddFollowUpWindows(cohort.end_date(), program, cohort.mutable_follow_up_windows());
  return cohort;
}

void EnrolmentLogic::AddFollowUpWindows(const google::type::Date& cohort_end, const v1::Program* program,
                                        google::protobuf::RepeatedPtrField<v1::FollowUpWindow>* out) {
  auto end = ToCivilDay(cohort_end, "end_date");
  if (!end.ok()) return;
  std::vector<int> offsets;
  if (program != nullptr) {
    offsets.assign(program->follow_up_offsets_days().begin(), program->follow_up_offsets_days().end());
  }
  if (offsets.empty()) offsets = {30, 60, 90};
  for (auto& w : FollowUpWindows(*end, offsets)) *out->Add() = std::move(w);
}

absl::StatusOr<v1::Cohort> EnrolmentLogic::CreateCohort(const Caller& c,
                                                        const v1::CreateCohortRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "parent", r.parent(), kProgramPattern));
  PELITA_ASSIGN_OR_RETURN(std::string id, ChooseId("cohort_id", r.cohort_id()));
  v1::Cohort cohort = r.cohort();
  PELITA_RETURN_IF_ERROR(ValidateCohort(cohort, "cohort"));
  EnrolmentStore store(redis_, v[0]);
  auto program = store.programs().GetRaw(v[1]);
  if (program.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("parent: program ", r.parent(), " not found"));
  }
  PELITA_RETURN_IF_ERROR(program.status());
  cohort.set_name(absl::StrCat(r.parent(), "/cohorts/", id));
  cohort.clear_enrolled_count();
  cohort.clear_waitlisted_count();
  cohort.clear_follow_up_windows();
  *cohort.mutable_create_time() = *cohort.mutable_update_time() = ToTimestamp(clock_());
  const std::string ck = absl::StrCat(v[1], "/", id);
  const std::string state = store.CohortStateKey(ck);
  PELITA_RETURN_IF_ERROR(store.Cohorts(v[1]).Insert(
      id, cohort.SerializeAsString(),
      {{IndexOp::Kind::kHashSet, state, "capacity", absl::StrCat(cohort.capacity())},
       {IndexOp::Kind::kHashSet, state, "start",
        absl::StrCat(DayNumber(*ToCivilDay(cohort.start_date(), "")))},
       {IndexOp::Kind::kHashSet, state, "end",
        absl::StrCat(DayNumber(*ToCivilDay(cohort.end_date(), "")))}}));
  return FillCounts(store, ck, std::move(cohort));
}

absl::StatusOr<v1::Cohort> EnrolmentLogic::GetCohort(const Caller& c,
                                                     const v1::GetCohortRequest& r) {
  PELITA_ASSIGN_OR_RETURN(CohortRef ref, ParseCohort(c, "name", r.name()));
  EnrolmentStore store(redis_, ref.tenant);
  PELITA_ASSIGN_OR_RETURN(auto cohort, store.Cohorts(ref.program).Get<v1::Cohort>(ref.cohort));
  if (!ReachesCohort(c, cohort.name(), {cohort.instructors().begin(), cohort.instructors().end()})) {
    return OutsideReach(c, r.name());
  }
  return FillCounts(store, ref.ck(), std::move(cohort));
}

absl::StatusOr<v1::ListCohortsResponse> EnrolmentLogic::ListCohorts(
    const Caller& c, const v1::ListCohortsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "parent", r.parent(), kProgramPattern));
  EnrolmentStore store(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(auto page, store.Cohorts(v[1]).List(r.page_size(), r.page_token()));
  PELITA_ASSIGN_OR_RETURN(auto cohorts, ParseAll<v1::Cohort>(page));
  v1::ListCohortsResponse out;
  auto program = store.programs().Get<v1::Program>(v[1]);
  if (!program.ok() && program.status().code() != absl::StatusCode::kNotFound) return program.status();
  for (auto& cohort : cohorts) {
    // An instructor's list holds the cohorts they teach (a page may come
    // back shorter than page_size; its token still goes on).
    if (!ReachesCohort(c, cohort.name(), {cohort.instructors().begin(), cohort.instructors().end()})) continue;
    const std::string id = cohort.name().substr(cohort.name().rfind('/') + 1);
    PELITA_ASSIGN_OR_RETURN(*out.add_cohorts(),
                            FillCounts(store, absl::StrCat(v[1], "/", id), std::move(cohort),
                                       program.ok() ? &*program : nullptr));
  }
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<v1::Cohort> EnrolmentLogic::UpdateCohort(const Caller& c,
                                                        const v1::UpdateCohortRequest& r) {
  PELITA_ASSIGN_OR_RETURN(CohortRef ref, ParseCohort(c, "cohort.name", r.cohort().name()));
  EnrolmentStore store(redis_, ref.tenant);
  PELITA_ASSIGN_OR_RETURN(int64_t members, store.CohortMemberCount(ref.ck()));
  const std::string state = store.CohortStateKey(ref.ck());
  PELITA_ASSIGN_OR_RETURN(
      auto cohort,
      store.Cohorts(ref.program)
          .Update<v1::Cohort>(
              ref.cohort,
              [&](v1::Cohort& cohort) -> absl::Status {
                const v1::Cohort before = cohort;
                PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(
                    r.cohort(), r.update_mask(),
                    {"name", "create_time", "update_time", "enrolled_count", "waitlisted_count",
                     "follow_up_windows"},
                    &cohort));
                cohort.clear_follow_up_windows();
                PELITA_RETURN_IF_ERROR(ValidateCohort(cohort, "cohort"));
                const bool dates_changed =
                    cohort.start_date().SerializeAsString() != before.start_date().SerializeAsString() ||
                    cohort.end_date().SerializeAsString() != before.end_date().SerializeAsString();
                if (dates_changed && members > 0) {
                  return WithReason(absl::FailedPreconditionError(
                                        "cohort dates cannot change once employees are enrolled"),
                                    "COHORT_DATES_LOCKED");
                }
                *cohort.mutable_update_time() = ToTimestamp(clock_());
                return absl::OkStatus();
              },
              [&](const v1::Cohort&, const v1::Cohort& after) {
                return std::vector<IndexOp>{
                    {IndexOp::Kind::kHashSet, state, "capacity", absl::StrCat(after.capacity())},
                    {IndexOp::Kind::kHashSet, state, "start",
                     absl::StrCat(DayNumber(*ToCivilDay(after.start_date(), "")))},
                    {IndexOp::Kind::kHashSet, state, "end",
                     absl::StrCat(DayNumber(*ToCivilDay(after.end_date(), "")))}};
              }));
  // A larger capacity lets wait-listed employees in.
  PELITA_RETURN_IF_ERROR(store.Promote(ref.ck()));
  return FillCounts(store, ref.ck(), std::move(cohort));
}

absl::StatusOr<Empty> EnrolmentLogic::DeleteCohort(const Caller& c,
                                                   const v1::DeleteCohortRequest& r) {
  PELITA_ASSIGN_OR_RETURN(CohortRef ref, ParseCohort(c, "name", r.name()));
  EnrolmentStore store(redis_, ref.tenant);
  auto table = store.Cohorts(ref.program);
  PELITA_ASSIGN_OR_RETURN(std::string raw, table.GetRaw(ref.cohort));
  PELITA_ASSIGN_OR_RETURN(int64_t members, store.CohortMemberCount(ref.ck()));
  if (members > 0) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat("cohort ", r.name(), " has ", members,
                                                                 " enrolments; it cannot be deleted")),
                      "COHORT_HAS_ENROLMENTS", {{"enrolments", absl::StrCat(members)}});
  }
  PELITA_RETURN_IF_ERROR(table.Remove(ref.cohort, raw));
  auto del = redis_->Run({"DEL", store.CohortStateKey(ref.ck())});
  if (!del.ok()) return del.status();
  return Empty();
}

// ----------------------------------------------------------- enrolments

absl::StatusOr<EnrolmentLogic::EnrolmentRef> EnrolmentLogic::ParseEnrolment(
    const Caller& c, const std::string& field, const std::string& name) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, field, name, kEnrolmentPattern));
  return EnrolmentRef{CohortRef{v[0], v[1], v[2]}, v[3]};
}

absl::StatusOr<v1::Enrolment> EnrolmentLogic::LoadEnrolment(const EnrolmentRef& ref) {
  EnrolmentStore store(redis_, ref.cohort.tenant);
  PELITA_ASSIGN_OR_RETURN(v1::Enrolment e, store.GetEnrolment(ref.cohort.ck(), ref.nip));
  e.set_name(absl::StrCat("tenants/", ref.cohort.tenant, "/programs/", ref.cohort.program,
                          "/cohorts/", ref.cohort.cohort, "/enrolments/", ref.nip));
  e.set_employee(absl::StrCat("tenants/", ref.cohort.tenant, "/employees/", ref.nip));
  return e;
}

absl::StatusOr<v1::Enrolment> EnrolmentLogic::CreateEnrolment(
    const Caller& c, const v1::CreateEnrolmentRequest& r) {
  PELITA_ASSIGN_OR_RETURN(CohortRef ref, ParseCohort(c, "parent", r.parent()));
  PELITA_ASSIGN_OR_RETURN(auto emp, ParseResourceName("enrolment.employee", r.enrolment().employee(),
                                                      kEmployeePattern));
  if (emp[0] != ref.tenant) {
    return InvalidField("enrolment.employee", "must be an employee of the cohort's tenant");
  }
  EnrolmentStore store(redis_, ref.tenant);
  auto employee = store.employees().Get<v1::Employee>(emp[1]);
  if (employee.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat("enrolment.employee: employee ", r.enrolment().employee(), " not found"));
  }
  PELITA_RETURN_IF_ERROR(employee.status());
  auto cohort = store.Cohorts(ref.program).GetRaw(ref.cohort);
  if (cohort.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("parent: cohort ", r.parent(), " not found"));
  }
  PELITA_RETURN_IF_ERROR(cohort.status());
  PELITA_RETURN_IF_ERROR(store.Enrol(ref.ck(), emp[1], employee->unit(), clock_()));
  return LoadEnrolment({ref, emp[1]});
}

absl::StatusOr<v1::Enrolment> EnrolmentLogic::GetEnrolment(const Caller& c,
                                                           const v1::GetEnrolmentRequest& r) {
  PELITA_ASSIGN_OR_RETURN(EnrolmentRef ref, ParseEnrolment(c, "name", r.name()));
  return LoadEnrolment(ref);
}

absl::StatusOr<v1::ListEnrolmentsResponse> EnrolmentLogic::ListEnrolments(
    const Caller& c, const v1::ListEnrolmentsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(CohortRef ref, ParseCohort(c, "parent", r.parent()));
  EnrolmentStore store(redis_, ref.tenant);
  PELITA_ASSIGN_OR_RETURN(auto page, store.ListEnrolments(ref.ck(), r.page_size(), r.page_token()));
  v1::ListEnrolmentsResponse out;
  for (size_t i = 0; i < page.nips.size(); ++i) {
    v1::Enrolment& e = *out.add_enrolments() = std::move(page.enrolments[i]);
    e.set_name(absl::StrCat(r.parent(), "/enrolments/", page.nips[i]));
    e.set_employee(absl::StrCat("tenants/", ref.tenant, "/employees/", page.nips[i]));
  }
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<v1::Enrolment> EnrolmentLogic::WithdrawEnrolment(
    const Caller& c, const v1::WithdrawEnrolmentRequest& r) {
  PELITA_ASSIGN_OR_RETURN(EnrolmentRef ref, ParseEnrolment(c, "name", r.name()));
  EnrolmentStore store(redis_, ref.cohort.tenant);
  PELITA_RETURN_IF_ERROR(store.Withdraw(ref.cohort.ck(), ref.nip, clock_()));
  return LoadEnrolment(ref);
}

absl::StatusOr<v1::Enrolment> EnrolmentLogic::RecordAttendance(
    const Caller& c, const v1::RecordAttendanceRequest& r) {
  PELITA_ASSIGN_OR_RETURN(EnrolmentRef ref, ParseEnrolment(c, "name", r.name()));
  PELITA_ASSIGN_OR_RETURN(absl::CivilDay day, ParseDay(r.day(), "day"));
  EnrolmentStore store(redis_, ref.cohort.tenant);
  PELITA_RETURN_IF_ERROR(store.RecordAttendance(ref.cohort.ck(), ref.nip, DayNumber(day), r.day()));
  return LoadEnrolment(ref);
}

absl::StatusOr<v1::Enrolment> EnrolmentLogic::CompleteEnrolment(
    const Caller& c, const v1::CompleteEnrolmentRequest& r) {
  PELITA_ASSIGN_OR_RETURN(EnrolmentRef ref, ParseEnrolment(c, "name", r.name()));
  if (r.certificate_number().size() > 100) {
    return InvalidField("certificate_number", "is longer than 100 characters");
  }
  EnrolmentStore store(redis_, ref.cohort.tenant);
  PELITA_ASSIGN_OR_RETURN(auto program, store.programs().Get<v1::Program>(ref.cohort.program));
  PELITA_ASSIGN_OR_RETURN(auto cohort, store.Cohorts(ref.cohort.program).Get<v1::Cohort>(ref.cohort.cohort));
  PELITA_ASSIGN_OR_RETURN(absl::CivilDay start, ToCivilDay(cohort.start_date(), "cohort.start_date"));
  PELITA_ASSIGN_OR_RETURN(absl::CivilDay end, ToCivilDay(cohort.end_date(), "cohort.end_date"));
  PELITA_ASSIGN_OR_RETURN(const absl::CivilDay today_in_tenant, Today(c.tenant));
  if (today_in_tenant < start) {
    return WithReason(absl::FailedPreconditionError("the cohort has not started; it cannot be completed yet"),
                      "COHORT_NOT_STARTED");
  }
  const std::string prefix = absl::StrCat(ref.cohort.tenant, "/", ref.cohort.program, "/",
                                          ref.cohort.cohort, "/");
  PELITA_RETURN_IF_ERROR(store.Complete(ref.cohort.ck(), ref.nip, r.certificate_number(), r.name(),
                                        program.jp(), LearningYear(end), prefix, clock_()));
  return LoadEnrolment(ref);
}

// ------------------------------------------------------- learning hours

absl::StatusOr<v1::LearningHours> EnrolmentLogic::GetLearningHours(
    const Caller& c, const v1::GetLearningHoursRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v,
                          ParseTenantResource(c, "name", r.name(), "tenants/*/employees/*/learningHours"));
  PELITA_ASSIGN_OR_RETURN(const absl::CivilDay today_in_tenant, Today(c.tenant));
  const int year = r.year() == 0 ? static_cast<int>(today_in_tenant.year()) : r.year();
  if (year < 2000 || year > 2100) return InvalidField("year", "must be between 2000 and 2100");
  EnrolmentStore store(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(auto employee, store.employees().Get<v1::Employee>(v[1]));
  if (!ReachesPerson(c, FactsOf(employee))) return OutsideReach(c, SingletonParent(r.name()));
  PELITA_ASSIGN_OR_RETURN(auto hours, store.LearningHours(v[1], year));
  // Training done elsewhere, without what Pelita already counts.
  ExternalTrainingStore external(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(auto records, external.List(v[1]));
  absl::flat_hash_set<std::string> certificates;
  if (!records.empty()) {
    PELITA_ASSIGN_OR_RETURN(certificates, external.CompletedCertificates(v[1]));
  }
  ExternalCount counted = CountExternal(std::move(records), year, certificates);
  v1::LearningHours out;
  out.set_employee(SingletonParent(r.name()));
  out.set_year(year);
  out.set_pelita_jp(hours.jp);
  out.set_external_jp(counted.jp);
  out.set_jp(hours.jp + counted.jp);
  out.set_required_jp(kRequiredJpPerYear);
  out.set_compliant(out.jp() >= kRequiredJpPerYear);
  for (auto& s : hours.sources) out.add_completed_enrolments(std::move(s));
  SortNewestFirst(counted.counted);
  SortNewestFirst(counted.duplicates);
  for (auto& t : counted.counted) *out.add_external_trainings() = std::move(t);
  for (auto& t : counted.duplicates) *out.add_duplicates() = std::move(t);
  return out;
}

// ------------------------------------------------- external trainings

absl::StatusOr<v1::ReplaceExternalTrainingsResponse> EnrolmentLogic::ReplaceExternalTrainings(
    const Caller& c, const v1::ReplaceExternalTrainingsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "parent", r.parent(), kEmployeePattern));
  // The integration service (an internal call) and the regency's staff
  // write them; the gateway lets no one else call this, and neither does
  // the service.
  if (!c.role.empty() && !IsStaff(c)) return OutsideReach(c, r.parent());
  PELITA_RETURN_IF_ERROR(ValidateExternalTrainings(r.source(), r.trainings()));
  EnrolmentStore store(redis_, v[0]);
  auto employee = store.employees().GetRaw(v[1]);
  if (employee.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("parent: employee ", r.parent(), " not found"));
  }
  PELITA_RETURN_IF_ERROR(employee.status());
  std::vector<v1::ExternalTraining> records;
  records.reserve(r.trainings_size());
  for (const v1::ExternalTraining& t : r.trainings()) {
    v1::ExternalTraining& record = records.emplace_back(t);
    record.set_name(absl::StrCat(r.parent(), "/externalTrainings/", ExternalKey(t.source(), t.source_id())));
    record.clear_update_time();
  }
  ExternalTrainingStore external(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(auto result, external.Replace(store.employees().hash_key(), v[1], r.source(),
                                                         records, clock_()));
  v1::ReplaceExternalTrainingsResponse out;
  out.set_added(result.added);
  out.set_changed(result.changed);
  out.set_removed(result.removed);
  for (auto& t : result.trainings) *out.add_trainings() = std::move(t);
  return out;
}

absl::StatusOr<v1::ListExternalTrainingsResponse> EnrolmentLogic::ListExternalTrainings(
    const Caller& c, const v1::ListExternalTrainingsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "parent", r.parent(), kEmployeePattern));
  EnrolmentStore store(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(auto employee, store.employees().Get<v1::Employee>(v[1]));
  if (!ReachesPerson(c, FactsOf(employee))) return OutsideReach(c, r.parent());
  ExternalTrainingStore external(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(auto records, external.List(v[1]));
  SortNewestFirst(records);
  v1::ListExternalTrainingsResponse out;
  for (auto& t : records) *out.add_trainings() = std::move(t);
  return out;
}

absl::StatusOr<v1::ListEmployeeTrainingsResponse> EnrolmentLogic::ListEmployeeTrainings(
    const Caller& c, const v1::ListEmployeeTrainingsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "parent", r.parent(), kEmployeePattern));
  EnrolmentStore store(redis_, v[0]);
  PELITA_ASSIGN_OR_RETURN(auto employee, store.employees().Get<v1::Employee>(v[1]));
  if (!ReachesPerson(c, FactsOf(employee))) return OutsideReach(c, r.parent());
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> cks, store.EmployeeCohorts(v[1]));
  v1::ListEmployeeTrainingsResponse out;
  absl::flat_hash_map<std::string, v1::Program> programs;
  for (const std::string& ck : cks) {
    const std::vector<std::string> pc = absl::StrSplit(ck, absl::MaxSplits('/', 1));
    if (pc.size() != 2) continue;
    auto program = programs.find(pc[0]);
    if (program == programs.end()) {
      auto p = store.programs().Get<v1::Program>(pc[0]);
      // A programme or cohort deleted under the index is not a training to show.
      if (p.status().code() == absl::StatusCode::kNotFound) continue;
      PELITA_RETURN_IF_ERROR(p.status());
      program = programs.emplace(pc[0], *std::move(p)).first;
    }
    auto cohort = store.Cohorts(pc[0]).Get<v1::Cohort>(pc[1]);
    if (cohort.status().code() == absl::StatusCode::kNotFound) continue;
    PELITA_RETURN_IF_ERROR(cohort.status());
    auto enrolment = LoadEnrolment({{v[0], pc[0], pc[1]}, v[1]});
    if (enrolment.status().code() == absl::StatusCode::kNotFound) continue;
    PELITA_RETURN_IF_ERROR(enrolment.status());
    v1::Training* t = out.add_trainings();
    *t->mutable_enrolment() = *std::move(enrolment);
    t->set_program(absl::StrCat("tenants/", v[0], "/programs/", pc[0]));
    t->set_program_title(program->second.title());
    t->set_jp(program->second.jp());
    t->set_cohort(absl::StrCat(t->program(), "/cohorts/", pc[1]));
    t->set_cohort_display_name(cohort->display_name());
    *t->mutable_start_date() = cohort->start_date();
    *t->mutable_end_date() = cohort->end_date();
    AddFollowUpWindows(cohort->end_date(), &program->second, t->mutable_follow_up_windows());
  }
  auto key = [](const v1::Training& t) {
    return std::make_tuple(t.start_date().year(), t.start_date().month(), t.start_date().day(), t.cohort());
  };
  std::sort(out.mutable_trainings()->begin(), out.mutable_trainings()->end(),
            [&](const v1::Training& a, const v1::Training& b) { return key(a) > key(b); });
  return out;
}

absl::StatusOr<v1::ListUnitComplianceResponse> EnrolmentLogic::ListUnitCompliance(
    const Caller& c, const v1::ListUnitComplianceRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, r.parent()));
  PELITA_ASSIGN_OR_RETURN(const absl::CivilDay today_in_tenant, Today(c.tenant));
  const int year = r.year() == 0 ? static_cast<int>(today_in_tenant.year()) : r.year();
  if (year < 2000 || year > 2100) return InvalidField("year", "must be between 2000 and 2100");
  EnrolmentStore store(redis_, tenant);
  std::vector<std::string> ids;
  std::string token;
  do {
    PELITA_ASSIGN_OR_RETURN(auto page, store.units().List(store::kMaxPageSize, token));
    for (auto& [id, bytes] : page.items) {
      // A head of agency sees their own unit's compliance.
      if (ReachesUnit(c, absl::StrCat(r.parent(), "/units/", id))) ids.push_back(id);
    }
    token = page.next_page_token;
  } while (!token.empty());
  v1::ListUnitComplianceResponse out;
  if (ids.empty()) return out;
  PELITA_ASSIGN_OR_RETURN(auto hours, store.UnitLearningHours(ids, year, kRequiredJpPerYear));
  for (size_t i = 0; i < ids.size(); ++i) {
    auto* u = out.add_units();
    u->set_unit(absl::StrCat(r.parent(), "/units/", ids[i]));
    u->set_employee_count(hours[i].employees);
    u->set_compliant_count(hours[i].compliant);
    if (hours[i].employees > 0) {
      u->set_compliant_share(static_cast<double>(hours[i].compliant) / hours[i].employees);
      u->set_mean_jp(static_cast<double>(hours[i].total_jp) / hours[i].employees);
    }
  }
  return out;
}

}  // namespace pelita::enrolment
