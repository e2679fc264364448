#include "services/integration/sync.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "lib/status/status.h"
#include "lib/time/time.h"
#include "services/performance/domain.h"

namespace pelita::integration {
namespace {

// Trimmed, with every run of white space made one space.
std::string Collapse(absl::string_view s) {
  std::string out;
  for (absl::string_view part : absl::StrSplit(s, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    if (!out.empty()) out.push_back(' ');
    absl::StrAppend(&out, part);
  }
  return out;
}

bool ValidSourceId(const std::string& id) {
  if (id.empty() || id.size() > 100) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

std::string EmployeeName(const std::string& tenant, const std::string& nip) {
  return absl::StrCat("tenants/", tenant, "/employees/", nip);
}

// The SIASN route of a list, for failures ("rw-kursus").
struct TrainingSource {
  const char* source;
  const char* route;
  absl::StatusOr<std::vector<siasn::KursusRecord>> (siasn::SiasnClient::*list)(absl::string_view);
};
const TrainingSource kTrainingSources[] = {
    {"siasn-kursus", "rw-kursus", &siasn::SiasnClient::ListRwKursus},
    {"siasn-diklat", "rw-diklat", &siasn::SiasnClient::ListRwDiklat},
};

}  // namespace

std::string FullNameOf(const siasn::DataUtama& d) {
  const std::string name = Collapse(d.nama);
  const std::string front = Collapse(d.gelar_depan);
  std::string back = Collapse(d.gelar_belakang);
  absl::string_view b = back;
  while (absl::ConsumePrefix(&b, ",") || absl::ConsumePrefix(&b, " ")) {
  }
  back = std::string(b);
  if (name.empty()) return "";
  std::string out = front.empty() ? name : absl::StrCat(front, " ", name);
  if (!back.empty()) absl::StrAppend(&out, ", ", back);
  return out;
}

// One run in progress: what every worker shares.
struct RosterSync::Run {
  std::string tenant;
  v1::SiasnConnection settings;
  std::shared_ptr<siasn::SiasnClient> client;
  absl::flat_hash_map<std::string, std::string> unor;
  std::atomic<bool> stop{false};
  // Set once ReplaceExternalTrainings answered UNIMPLEMENTED (the enrolment
  // service does not have it yet): the lists are not read for the rest of
  // the run, and one failure says why.
  std::atomic<bool> trainings_off{false};

  absl::Mutex mu;
  v1::SyncRun record ABSL_GUARDED_BY(mu);
  int active ABSL_GUARDED_BY(mu) = 0;
  bool any_failure ABSL_GUARDED_BY(mu) = false;
  std::string auth_error ABSL_GUARDED_BY(mu);
  // What the totals already hold of this run (they are added as it goes).
  int64_t totals_read ABSL_GUARDED_BY(mu) = 0;
  int64_t totals_changed ABSL_GUARDED_BY(mu) = 0;

  template <typename F>
  void Count(F f) {
    absl::MutexLock l(&mu);
    f(record);
  }
};

RosterSync::RosterSync(IntegrationStore* store, ConnectionSource* connections, SiasnClients* clients,
                       RateLimiter* limiter, Roster* roster, SkpSink* skp, FailureSink* failures,
                       IntegrationMetrics* metrics, SyncOptions options)
    : store_(store), connections_(connections), clients_(clients), limiter_(limiter), roster_(roster), skp_(skp),
      failures_(failures), metrics_(metrics), options_(std::move(options)) {}

RosterSync::~RosterSync() { Stop(); }

absl::StatusOr<v1::SyncRun> RosterSync::Begin(const std::string& tenant, const std::string& trigger, bool* started) {
  *started = false;
  if (stopping_) return absl::UnavailableError("the integration service is stopping");
  PELITA_ASSIGN_OR_RETURN(Connection c, connections_->Get(tenant));
  if (!c.settings.enabled()) {
    return WithReason(absl::FailedPreconditionError("the SIASN connection is switched off"), "CONNECTION_OFF");
  }
  v1::SyncRun run;
  run.set_trigger(trigger);
  PELITA_ASSIGN_OR_RETURN(auto b, store_->BeginRun(tenant, run, Now(), options_.lease));
  *started = b.started;
  return b.run;
}

absl::StatusOr<v1::SyncRun> RosterSync::Start(const std::string& tenant, const std::string& trigger) {
  bool started = false;
  PELITA_ASSIGN_OR_RETURN(v1::SyncRun run, Begin(tenant, trigger, &started));
  if (started) {
    absl::MutexLock l(&mu_);
    threads_.emplace_back([this, tenant, run] { Carry(tenant, run); });
  }
  return run;
}

absl::StatusOr<v1::SyncRun> RosterSync::RunNow(const std::string& tenant, const std::string& trigger) {
  bool started = false;
  PELITA_ASSIGN_OR_RETURN(v1::SyncRun run, Begin(tenant, trigger, &started));
  if (!started) return run;
  return Carry(tenant, run);
}

void RosterSync::ScheduleOnce() {
  const absl::Time now = Now();
  for (const std::string& tenant : connections_->EnabledTenants()) {
    auto c = connections_->Get(tenant);
    if (!c.ok() || !c->settings.enabled() || c->settings.sync_interval_hours() <= 0 ||
        !c->settings.credentials_present()) {
      continue;
    }
    auto last = store_->LatestRun(tenant);
    if (!last.ok()) continue;
    if (last->has_value() &&
        FromTimestamp((*last)->start_time()) + absl::Hours(c->settings.sync_interval_hours()) > now) {
      continue;
    }
    (void)Start(tenant, "schedule");
  }
}

void RosterSync::StartSchedule(absl::Duration every) {
  schedule_.Start(every, [this] { ScheduleOnce(); });
}

void RosterSync::Stop() {
  stopping_ = true;
  schedule_.Stop();
  std::vector<std::thread> threads;
  {
    absl::MutexLock l(&mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

void RosterSync::Fail(Run& run, const std::string& nip, const std::string& code, const std::string& field,
                      const std::string& raw, const std::string& message) {
  v1::Failure f;
  f.set_kind("sync");
  if (!nip.empty()) f.set_employee(EmployeeName(run.tenant, nip));
  {
    absl::MutexLock l(&run.mu);
    f.set_sync_run(run.record.name());
    run.any_failure = true;
  }
  f.set_code(code);
  f.set_field(field);
  f.set_raw_value(raw);
  f.set_message(message);
  // A failure that cannot be recorded is still counted in the run (the
  // employee's outcome); there is nowhere better to put it.
  (void)failures_->Record(run.tenant, std::move(f));
}

void RosterSync::FailFromStatus(Run& run, const std::string& nip, const std::string& route, const absl::Status& s) {
  const std::string message(s.message());
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      Fail(run, nip, "SIASN_UNAVAILABLE", route, "", message);
      return;
    case absl::StatusCode::kInvalidArgument: {
      const std::string field = siasn::FieldOf(s);
      Fail(run, nip, "BAD_FIELD", field.empty() ? route : field, siasn::RawValueOf(s), message);
      return;
    }
    default:
      Fail(run, nip, "SIASN_REJECTED", route, "", message);
  }
}

template <typename T>
absl::StatusOr<T> RosterSync::CallSiasn(Run& run, const std::function<absl::StatusOr<T>()>& fn) {
  double rate = run.settings.rate_limit_per_second();
  if (!(rate > 0)) rate = 5;
  absl::Duration wait = options_.backoff;
  for (int attempt = 0;; ++attempt) {
    if (run.stop || stopping_) return absl::CancelledError("the sync is stopping");
    // The limiter keeps real time (it sleeps), whatever clock the run has.
    if (!limiter_->Acquire(run.tenant, rate, absl::Now() + options_.max_rate_wait)) {
      return absl::UnavailableError("the tenant's SIASN rate limit left no room for this call in time");
    }
    absl::StatusOr<T> v = fn();
    if (v.ok()) return v;
    if (v.status().code() == absl::StatusCode::kUnauthenticated) {
      bool first = false;
      {
        absl::MutexLock l(&run.mu);
        if (run.auth_error.empty()) {
          run.auth_error = absl::StrCat("SIASN rejected the credentials: ", v.status().message());
          first = true;
        }
      }
      run.stop = true;
      if (first) Fail(run, "", "CREDENTIALS_REJECTED", "", "", std::string(v.status().message()));
      return v;
    }
    if (v.status().code() != absl::StatusCode::kUnavailable || attempt >= options_.retries) return v;
    absl::Duration d = wait;
    if (auto after = siasn::RetryAfter(v.status())) d = std::max(d, *after);
    Sleep(std::min(d, options_.max_backoff));
    wait *= 2;
  }
}

v1::SyncRun RosterSync::Carry(const std::string& tenant, v1::SyncRun start) {
  Run run;
  run.tenant = tenant;
  {
    absl::MutexLock l(&run.mu);
    run.record = start;
  }
  const std::string run_id = LastSegmentOf(start.name());
  bool lost = false;

  // Saves the counts (progress, or final), adding to the totals what they
  // do not hold yet.  False when the run lost its lease.
  auto save = [&](bool final) {
    v1::SyncRun snapshot;
    Totals delta;
    {
      absl::MutexLock l(&run.mu);
      snapshot = run.record;
      const int64_t read = snapshot.employees_read() + snapshot.trainings_read() + snapshot.skp_read();
      delta.records_read = read - run.totals_read;
      delta.records_changed = snapshot.employees_changed() - run.totals_changed;
      run.totals_read = read;
      run.totals_changed = snapshot.employees_changed();
    }
    (void)store_->AddTotals(tenant, delta);
    if (metrics_ != nullptr) {
      if (delta.records_read) metrics_->RecordsRead(tenant, static_cast<int>(delta.records_read));
      if (delta.records_changed) metrics_->RecordsChanged(tenant, static_cast<int>(delta.records_changed));
    }
    auto ok = store_->SaveRun(tenant, snapshot, final, Now(), options_.lease);
    // Redis away for a moment is not a lost lease: the next save renews.
    return !ok.ok() || *ok;
  };
  auto finish = [&](v1::SyncRun::State state, const std::string& error) {
    {
      absl::MutexLock l(&run.mu);
      run.record.set_state(state);
      run.record.set_error(error);
      *run.record.mutable_end_time() = ToTimestamp(Now());
    }
    if (!save(true)) lost = true;
    if (metrics_ != nullptr) metrics_->SyncFinished(tenant, v1::SyncRun::State_Name(state), Now());
    absl::MutexLock l(&run.mu);
    return run.record;
  };

  auto connection = connections_->Get(tenant);
  if (!connection.ok()) {
    return finish(v1::SyncRun::FAILED, absl::StrCat("the connection could not be read: ", connection.status().message()));
  }
  run.settings = connection->settings;
  auto client = clients_->For(tenant);
  if (!client.ok()) return finish(v1::SyncRun::FAILED, std::string(client.status().message()));
  run.client = *client;
  auto unor = store_->UnorTable(tenant);
  if (!unor.ok()) {
    return finish(v1::SyncRun::FAILED, absl::StrCat("the unor mappings could not be read: ", unor.status().message()));
  }
  run.unor = std::move(*unor);

  std::vector<ev1::Employee> employees;
  std::string token;
  for (int page = 0; page < 10000; ++page) {
    auto r = roster_->ListEmployees(tenant, options_.page_size, token);
    if (!r.ok()) return finish(v1::SyncRun::FAILED, absl::StrCat("the roster could not be read: ", r.status().message()));
    for (auto& e : *r->mutable_employees()) employees.push_back(std::move(e));
    token = r->next_page_token();
    if (token.empty()) break;
  }
  run.Count([&](v1::SyncRun& r) { r.set_employees_total(static_cast<int>(employees.size())); });
  if (!save(false)) return start;

  std::atomic<size_t> next{0};
  const int workers = std::max(1, std::min<int>(options_.workers, static_cast<int>(employees.size())));
  {
    absl::MutexLock l(&run.mu);
    run.active = workers;
  }
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < employees.size() && !run.stop && !stopping_; i = next++) {
        Employee(run, employees[i]);
      }
      absl::MutexLock l(&run.mu);
      --run.active;
    });
  }
  // Saves the counts now and then (renewing the lease) until the workers
  // are done; a lost lease stops them.
  for (;;) {
    bool done;
    {
      absl::MutexLock l(&run.mu);
      done = run.mu.AwaitWithTimeout(absl::Condition(
                                         +[](Run* r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu) { return r->active == 0; },
                                         &run),
                                     options_.save_every);
    }
    if (done) break;
    if (!save(false)) {
      lost = true;
      run.stop = true;
    }
    if (stopping_) run.stop = true;
  }
  for (auto& t : threads) t.join();
  if (lost) {
    // Another process took the run over and marked it; it is theirs now.
    auto stored = store_->GetRun(tenant, run_id);
    absl::MutexLock l(&run.mu);
    return stored.ok() ? *stored : run.record;
  }

  std::string auth_error;
  bool any_failure;
  bool complete;
  {
    absl::MutexLock l(&run.mu);
    auth_error = run.auth_error;
    any_failure = run.any_failure;
    complete = run.record.employees_read() == run.record.employees_total();
  }
  if (!auth_error.empty()) return finish(v1::SyncRun::FAILED, auth_error);
  if (!complete) return finish(v1::SyncRun::FAILED, "stopped before every employee was read (the service stopped)");
  return finish(any_failure ? v1::SyncRun::SUCCEEDED_WITH_FAILURES : v1::SyncRun::SUCCEEDED, "");
}

void RosterSync::Employee(Run& run, const ev1::Employee& e) {
  const std::string nip = e.nip();
  auto du = CallSiasn<siasn::DataUtama>(run, [&] { return run.client->GetDataUtama(nip); });
  if (!du.ok()) {
    const absl::StatusCode code = du.status().code();
    if (code == absl::StatusCode::kCancelled || code == absl::StatusCode::kUnauthenticated) return;
    if (code == absl::StatusCode::kNotFound) {
      // SIASN does not know them: flagged (once), never deleted.
      auto prev = store_->GetEmployeeState(run.tenant, nip);
      EmployeeState state = prev.ok() && prev->has_value() ? **prev : EmployeeState{};
      if (!state.missing) {
        v1::EmployeeChange c;
        c.set_employee(EmployeeName(run.tenant, nip));
        c.set_field("missing");
        c.set_old_value("false");
        c.set_new_value("true");
        {
          absl::MutexLock l(&run.mu);
          c.set_sync_run(run.record.name());
        }
        *c.mutable_change_time() = ToTimestamp(Now());
        (void)store_->AppendChanges(run.tenant, nip, {c});
        state.missing = true;
        state.seen = Now();
        (void)store_->PutEmployeeState(run.tenant, nip, state);
      }
      run.Count([](v1::SyncRun& r) {
        r.set_employees_read(r.employees_read() + 1);
        r.set_employees_missing(r.employees_missing() + 1);
      });
      return;
    }
    FailFromStatus(run, nip, "data-utama", du.status());
    run.Count([](v1::SyncRun& r) {
      r.set_employees_read(r.employees_read() + 1);
      r.set_employees_failed(r.employees_failed() + 1);
    });
    return;
  }
  auto failed = [&](const std::string& code, const std::string& field, const std::string& raw,
                    const std::string& message) {
    Fail(run, nip, code, field, raw, message);
    run.Count([](v1::SyncRun& r) {
      r.set_employees_read(r.employees_read() + 1);
      r.set_employees_failed(r.employees_failed() + 1);
    });
  };

  EmployeeState state;
  state.full_name = FullNameOf(*du);
  state.position = Collapse(du->jabatan_nama);
  state.grade = Collapse(du->gol_ruang_akhir);
  state.unor_id = du->unor_id;
  state.seen = Now();
  if (state.full_name.empty()) {
    return failed("BAD_FIELD", "data-utama.nama", "\"\"", "SIASN gave the employee no name");
  }
  auto unit = run.unor.find(du->unor_id);
  if (unit == run.unor.end()) {
    return failed("UNKNOWN_UNOR", "data-utama.unorId", du->unor_id,
                  absl::StrCat("SIASN's unit \"", du->unor_id, "\" (", du->unor_nama,
                               ") has no unor mapping; add one and sync again"));
  }
  state.unit = unit->second;

  std::string run_name;
  {
    absl::MutexLock l(&run.mu);
    run_name = run.record.name();
  }
  ev1::Employee patch;
  patch.set_name(e.name().empty() ? EmployeeName(run.tenant, nip) : e.name());
  patch.set_nip(nip);
  google::protobuf::FieldMask mask;
  std::vector<v1::EmployeeChange> changes;
  auto change = [&](const std::string& field, const std::string& old_value, const std::string& new_value) {
    v1::EmployeeChange c;
    c.set_employee(EmployeeName(run.tenant, nip));
    c.set_field(field);
    c.set_old_value(old_value);
    c.set_new_value(new_value);
    c.set_sync_run(run_name);
    *c.mutable_change_time() = ToTimestamp(Now());
    changes.push_back(std::move(c));
  };
  // An empty value from SIASN never clears what the roster holds.
  auto diff = [&](const char* field, const std::string& old_value, const std::string& new_value,
                  void (ev1::Employee::*set)(const std::string&)) {
    if (new_value.empty() || new_value == old_value) return;
    (patch.*set)(new_value);
    mask.add_paths(field);
    change(field, old_value, new_value);
  };
  diff("full_name", e.full_name(), state.full_name, &ev1::Employee::set_full_name);
  diff("unit", e.unit(), state.unit, &ev1::Employee::set_unit);
  diff("position", e.position(), state.position, &ev1::Employee::set_position);
  diff("grade", e.grade(), state.grade, &ev1::Employee::set_grade);
  auto prev = store_->GetEmployeeState(run.tenant, nip);
  if (prev.ok() && prev->has_value() && (*prev)->missing) change("missing", "true", "false");

  if (mask.paths_size() > 0) {
    auto updated = roster_->UpdateEmployee(run.tenant, patch, mask);
    if (!updated.ok()) {
      std::string field;
      auto violations = FieldViolationsOf(updated.status());
      if (!violations.empty()) field = violations[0].first;
      return failed("ROSTER_REJECTED", field, "",
                    absl::StrCat("the roster refused the update: ", updated.status().message()));
    }
  }
  if (!changes.empty()) (void)store_->AppendChanges(run.tenant, nip, changes);
  (void)store_->PutEmployeeState(run.tenant, nip, state);
  const bool changed = !changes.empty();
  run.Count([&](v1::SyncRun& r) {
    r.set_employees_read(r.employees_read() + 1);
    if (changed) r.set_employees_changed(r.employees_changed() + 1);
  });
  Trainings(run, e);
  Skp(run, e);
}

void RosterSync::Trainings(Run& run, const ev1::Employee& e) {
  const std::string nip = e.nip();
  for (const TrainingSource& src : kTrainingSources) {
    if (run.trainings_off || run.stop) return;
    auto list = CallSiasn<std::vector<siasn::KursusRecord>>(run, [&] { return ((*run.client).*src.list)(nip); });
    if (!list.ok()) {
      const absl::StatusCode code = list.status().code();
      if (code == absl::StatusCode::kCancelled || code == absl::StatusCode::kUnauthenticated) return;
      if (code != absl::StatusCode::kNotFound) {
        FailFromStatus(run, nip, src.route, list.status());
        continue;
      }
      list = std::vector<siasn::KursusRecord>{};  // "Data tidak ditemukan": none recorded.
    }
    const int n = static_cast<int>(list->size());
    run.Count([&](v1::SyncRun& r) { r.set_trainings_read(r.trainings_read() + n); });
    ev1::ReplaceExternalTrainingsRequest req;
    req.set_parent(EmployeeName(run.tenant, nip));
    req.set_source(src.source);
    std::string bad_field, bad_raw, bad_message;
    for (int i = 0; i < n && bad_field.empty(); ++i) {
      const siasn::KursusRecord& k = (*list)[i];
      const std::string at = absl::StrCat(src.route, "[", i, "].");
      if (!ValidSourceId(k.id)) {
        bad_field = at + "id", bad_raw = k.id, bad_message = "not a record id ([A-Za-z0-9._-], 1 to 100)";
        break;
      }
      if (k.jumlah_jam < 0 || k.jumlah_jam > 1000) {
        bad_field = at + "jumlahJam", bad_raw = absl::StrCat(k.jumlah_jam), bad_message = "hours outside 0 to 1000";
        break;
      }
      if (Collapse(k.nama_kursus).empty()) {
        bad_field = at + "namaKursus", bad_raw = "\"\"", bad_message = "the training has no name";
        break;
      }
      const auto end = k.tanggal_selesai_kursus ? k.tanggal_selesai_kursus : k.tanggal_kursus;
      if (!end) {
        bad_field = at + "tanggalSelesaiKursus", bad_raw = "null", bad_message = "the training has no date";
        break;
      }
      ev1::ExternalTraining* t = req.add_trainings();
      t->set_source(src.source);
      t->set_source_id(k.id);
      t->set_title(Collapse(k.nama_kursus));
      t->set_jp(k.jumlah_jam);
      if (k.tanggal_kursus) *t->mutable_start_date() = ToDate(*k.tanggal_kursus);
      *t->mutable_end_date() = ToDate(*end);
      t->set_institution(Collapse(k.institusi_penyelenggara));
      t->set_certificate_number(Collapse(k.no_sertipikat));
      t->set_jenis_diklat_id(k.jenis_diklat_id);
    }
    if (!bad_field.empty()) {
      Fail(run, nip, "BAD_FIELD", bad_field, bad_raw, absl::StrCat(bad_message, "; ", src.source, " left as it was"));
      continue;
    }
    auto replaced = roster_->ReplaceExternalTrainings(run.tenant, req);
    if (!replaced.ok()) {
      if (replaced.status().code() == absl::StatusCode::kUnimplemented) {
        if (!run.trainings_off.exchange(true)) {
          Fail(run, "", "ENROLMENT_UNAVAILABLE", "", "",
               "the enrolment service cannot store external trainings yet (UNIMPLEMENTED); "
               "trainings are not imported in this run");
        }
        return;
      }
      Fail(run, nip, "ROSTER_REJECTED", src.route, "",
           absl::StrCat("the roster refused the trainings: ", replaced.status().message()));
    }
  }
}

void RosterSync::Skp(Run& run, const ev1::Employee& e) {
  if (run.stop) return;
  const std::string nip = e.nip();
  auto list = CallSiasn<std::vector<siasn::Skp22Record>>(run, [&] { return run.client->ListRwSkp22(nip); });
  if (!list.ok()) {
    const absl::StatusCode code = list.status().code();
    if (code == absl::StatusCode::kCancelled || code == absl::StatusCode::kUnauthenticated ||
        code == absl::StatusCode::kNotFound) {
      return;
    }
    FailFromStatus(run, nip, "rw-skp22", list.status());
    return;
  }
  if (list->empty()) return;
  const int n = static_cast<int>(list->size());
  run.Count([&](v1::SyncRun& r) { r.set_skp_read(r.skp_read() + n); });
  const int this_year = absl::ToCivilYear(Now(), absl::FixedTimeZone(7 * 3600)).year();
  // One record per year: a later record of the same year replaces an
  // earlier one (the performance service takes each period once a call).
  std::map<int, pv1::Skp> by_year;
  for (int i = 0; i < n; ++i) {
    const siasn::Skp22Record& s = (*list)[i];
    const std::string at = absl::StrCat("rw-skp22[", i, "].");
    auto bad = [&](const std::string& field, const std::string& raw, const std::string& why) {
      Fail(run, nip, "BAD_FIELD", at + field, raw, absl::StrCat(why, "; the SKP records were not sent"));
    };
    if (s.tahun < 2000 || s.tahun > this_year) return bad("tahun", absl::StrCat(s.tahun), "not a year of SKP");
    pv1::Skp skp;
    skp.set_name(absl::StrCat(EmployeeName(run.tenant, nip), "/skp/", s.tahun));
    skp.set_year(s.tahun);
    skp.set_kuadran_kinerja(performance::PredicateFromText(s.kuadran_kinerja));
    if (skp.kuadran_kinerja() == pv1::PREDICATE_UNSPECIFIED) {
      return bad("kuadranKinerja", s.kuadran_kinerja, "not a predicate (Sangat Baik ... Sangat Kurang)");
    }
    skp.set_hasil_kinerja(performance::RatingFromText(s.hasil_kinerja));
    if (!Collapse(s.hasil_kinerja).empty() && skp.hasil_kinerja() == pv1::RATING_UNSPECIFIED) {
      return bad("hasilKinerja", s.hasil_kinerja, "not a rating (di atas / sesuai / di bawah ekspektasi)");
    }
    skp.set_perilaku_kerja(performance::RatingFromText(s.perilaku_kerja));
    if (!Collapse(s.perilaku_kerja).empty() && skp.perilaku_kerja() == pv1::RATING_UNSPECIFIED) {
      return bad("perilakuKerja", s.perilaku_kerja, "not a rating (di atas / sesuai / di bawah ekspektasi)");
    }
    skp.set_nip_penilai(Collapse(s.nip_nrp_penilai));
    by_year[s.tahun] = std::move(skp);
  }
  pv1::BatchRecordSkpRequest req;
  req.set_parent(absl::StrCat("tenants/", run.tenant));
  req.set_fill_supervisor(true);
  std::string newest_appraiser;
  for (auto& [year, skp] : by_year) {
    if (!skp.nip_penilai().empty()) newest_appraiser = skp.nip_penilai();
    *req.add_records() = std::move(skp);
  }
  auto r = skp_->BatchRecordSkp(run.tenant, req);
  if (!r.ok()) {
    Fail(run, nip, "PERFORMANCE_REJECTED", "rw-skp22", "",
         absl::StrCat("the performance service refused the SKP: ", r.status().message()));
    return;
  }
  if (r->supervisors_filled() > 0) {
    // The performance service filled the empty supervisor from the
    // appraiser (of the newest year that names one).
    v1::EmployeeChange c;
    c.set_employee(EmployeeName(run.tenant, nip));
    c.set_field("supervisor_nip");
    c.set_old_value(e.supervisor_nip());
    c.set_new_value(newest_appraiser);
    {
      absl::MutexLock l(&run.mu);
      c.set_sync_run(run.record.name());
    }
    *c.mutable_change_time() = ToTimestamp(Now());
    (void)store_->AppendChanges(run.tenant, nip, {c});
    const int filled = r->supervisors_filled();
    run.Count([&](v1::SyncRun& x) { x.set_supervisors_filled(x.supervisors_filled() + filled); });
  }
}

}  // namespace pelita::integration
