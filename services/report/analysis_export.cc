#include "services/report/analysis_export.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/report/text.h"
#include "services/report/xlsx.h"

namespace pelita::report {
namespace {

using scoring::v1::Figure;
using Cell = XlsxWorkbook::Cell;

#define PELITA_XLSX_OK(expr)                 \
  do {                                       \
    if (absl::Status _s = (expr); !_s.ok()) { \
      return _s;                             \
    }                                        \
  } while (0)

// The header of a table: its leading columns, then value, n and note for
// every figure column.
std::vector<std::string> Header(std::vector<std::string> leading, const std::vector<FigureColumn>& columns) {
  for (const auto& c : columns) {
    leading.push_back(c.label);
    leading.push_back(absl::StrCat(c.label, ": n"));
    leading.push_back(absl::StrCat(c.label, ": keterangan"));
  }
  return leading;
}

std::vector<double> Widths(std::vector<double> leading, const std::vector<FigureColumn>& columns) {
  for (size_t i = 0; i < columns.size(); ++i) {
    leading.push_back(14);
    leading.push_back(8);
    leading.push_back(40);
  }
  return leading;
}

// One figure's three cells: the value as a number (empty when withheld),
// its n, and the note.  A figure the answer does not carry at all is
// three empty cells but for a dash in the note, as the page shows it.
void AppendFigure(const Figure* f, FigureKind kind, std::vector<Cell>* row) {
  if (f == nullptr) {
    row->push_back(Cell());
    row->push_back(Cell());
    row->push_back(Cell(std::string("—")));
    return;
  }
  row->push_back(f->withheld() ? Cell() : FigureNumberCell(f->value(), kind));
  row->push_back(Cell(static_cast<double>(f->n())));
  row->push_back(Cell(FigureNoteText(*f, kind)));
}

}  // namespace

std::vector<const Figure*> RollUpRowFigures(const scoring::v1::RollUpRow& r) {
  return {
      r.has_reaction() ? &r.reaction() : nullptr,
      r.has_normalised_gain() ? &r.normalised_gain() : nullptr,
      r.has_applied_share() ? &r.applied_share() : nullptr,
      r.has_complaint_rate_did() ? &r.complaint_rate_did() : nullptr,
      r.has_ikm_did() ? &r.ikm_did() : nullptr,
      r.has_cost_per_participant() ? &r.cost_per_participant() : nullptr,
      r.has_composite() ? &r.composite() : nullptr,
  };
}

namespace {

// The sheet "Keterangan": what the workbook is, for whom, when, and how to
// read an empty cell.
absl::Status AddAbout(XlsxWorkbook& w, const std::string& title, const AnalysisContext& c,
                      const std::vector<std::string>& sheets, const std::vector<std::string>& extra = {}) {
  PELITA_XLSX_OK(w.AddSheet("Keterangan", {title}, {30, 110}));
  PELITA_XLSX_OK(w.AddRow({Cell(c.place_label), Cell(c.place)}));
  PELITA_XLSX_OK(w.AddRow({Cell(std::string("Tahun")), Cell(static_cast<double>(c.year))}));
  if (!c.grouping.empty()) PELITA_XLSX_OK(w.AddRow({Cell(std::string("Digabung per")), Cell(c.grouping)}));
  PELITA_XLSX_OK(w.AddRow({Cell(std::string("Dibuat")), Cell(FormatDateTime(c.generated, c.zone))}));
  if (c.min_n > 0) {
    PELITA_XLSX_OK(w.AddRow({Cell(std::string("Batas minimum responden")), Cell(static_cast<double>(c.min_n))}));
  } else {
    PELITA_XLSX_OK(w.AddRow({Cell(std::string("Batas minimum responden")),
                             Cell(std::string("Menurut pengaturan setiap kabupaten/kota."))}));
  }
  PELITA_XLSX_OK(w.AddRow(
      {Cell(std::string("Angka yang ditahan")),
       Cell(absl::StrCat("Angka yang ditahan (responden kurang dari batas minimum, atau dapat diturunkan dari angka "
                         "lain yang diterbitkan) dibiarkan kosong; alasannya tertulis di kolom keterangannya."))}));
  PELITA_XLSX_OK(w.AddRow({Cell(std::string("Isi")),
                           Cell(absl::StrCat("Angka yang sama dengan halaman \"", c.page,
                                             "\" bagi akun yang mengunduh: setiap angka dengan n-nya; nilai sebagai "
                                             "angka, keterangan berisi interval 95% atau alasan angka ditahan."))}));
  for (size_t i = 0; i + 1 < extra.size(); i += 2) PELITA_XLSX_OK(w.AddRow({Cell(extra[i]), Cell(extra[i + 1])}));
  PELITA_XLSX_OK(w.AddRow({Cell(std::string("Lembar")), Cell(absl::StrJoin(sheets, ", "))}));
  return absl::OkStatus();
}

std::string TenantCode(const std::string& tenant) {
  const size_t slash = tenant.rfind('/');
  return slash == std::string::npos ? tenant : tenant.substr(slash + 1);
}

}  // namespace

const std::vector<FigureColumn>& RollUpColumns() {
  static const auto* c = new std::vector<FigureColumn>{
      {"Reaksi (0–100)", FigureKind::kScore},         {"Gain ternormalisasi", FigureKind::kNumber},
      {"Diterapkan", FigureKind::kPercent},           {"Perubahan pengaduan (DiD)", FigureKind::kSigned},
      {"Perubahan IKM (DiD)", FigureKind::kSigned},   {"Biaya per peserta", FigureKind::kRupiah},
      {"Skor gabungan", FigureKind::kScore},
  };
  return *c;
}

const std::vector<FigureColumn>& RankingColumns() {
  static const auto* c = new std::vector<FigureColumn>{
      {"Skor gabungan", FigureKind::kScore},
      {"Efektivitas biaya", FigureKind::kNumber},
      {"Biaya per peserta", FigureKind::kRupiah},
      {"Gain ternormalisasi", FigureKind::kNumber},
  };
  return *c;
}

const std::vector<FigureColumn>& InstructorColumns() {
  static const auto* c = new std::vector<FigureColumn>{
      {"Dimensi instruktur (0–100)", FigureKind::kScore},
      {"Gain ternormalisasi", FigureKind::kNumber},
  };
  return *c;
}

const std::vector<FigureColumn>& BenchmarkColumns() {
  static const auto* c = new std::vector<FigureColumn>{
      {"Reaksi (0–100)", FigureKind::kScore},    {"Kenaikan nilai (g)", FigureKind::kNumber},
      {"Diterapkan", FigureKind::kPercent},      {"Skor gabungan", FigureKind::kScore},
      {"Biaya per JP", FigureKind::kRupiah},
  };
  return *c;
}

std::string GroupTitle(const std::string& group, const std::string& title) {
  if (!title.empty()) return title;
  std::string s = group.substr(group.rfind('/') == std::string::npos ? 0 : group.rfind('/') + 1);
  for (char& ch : s) {
    if (ch == '-' || ch == '_') ch = ' ';
  }
  s = std::string(absl::StripAsciiWhitespace(s));
  if (!s.empty()) s[0] = absl::ascii_toupper(static_cast<unsigned char>(s[0]));
  return s.empty() ? group : s;
}

std::string GroupingTitle(scoring::v1::RollUpEvaluationsRequest::GroupBy g) {
  using Req = scoring::v1::RollUpEvaluationsRequest;
  switch (g) {
    case Req::PROGRAM: return "Program";
    case Req::INSTRUCTOR: return "Widyaiswara";
    case Req::UNIT: return "Unit kerja";
    case Req::YEAR: return "Tahun";
    default: return "Kelompok";
  }
}

absl::StatusOr<std::string> RenderRollUpXlsx(const scoring::v1::RollUpEvaluationsResponse& rolled,
                                             const AnalysisContext& c, const std::string& tmp_dir) {
  auto book = XlsxWorkbook::Create(tmp_dir);
  if (!book.ok()) return book.status();
  XlsxWorkbook& w = **book;
  PELITA_XLSX_OK(AddAbout(w, "Rekap evaluasi pelatihan", c, {"Keterangan", "Rekap"}));
  const std::string group = GroupingTitle(rolled.group_by());
  PELITA_XLSX_OK(w.AddSheet("Rekap", Header({group, "Kode", "Angkatan", "Peserta"}, RollUpColumns()),
                            Widths({40, 40, 10, 10}, RollUpColumns())));
  for (const auto& r : rolled.rows()) {
    std::vector<Cell> row = {Cell(GroupTitle(r.group(), r.title())), Cell(r.group()),
                             Cell(static_cast<double>(r.cohorts())), Cell(static_cast<double>(r.participants()))};
    const std::vector<const Figure*> figures = RollUpRowFigures(r);
    for (size_t i = 0; i < RollUpColumns().size(); ++i) AppendFigure(figures[i], RollUpColumns()[i].kind, &row);
    PELITA_XLSX_OK(w.AddRow(row));
  }
  return w.Finish();
}

absl::StatusOr<std::string> RenderRankingXlsx(const scoring::v1::RankProgramsResponse& ranking,
                                              const AnalysisContext& c, const std::string& tmp_dir) {
  auto book = XlsxWorkbook::Create(tmp_dir);
  if (!book.ok()) return book.status();
  XlsxWorkbook& w = **book;
  PELITA_XLSX_OK(AddAbout(
      w, "Peringkat program", c, {"Keterangan", "Skor gabungan", "Efektivitas biaya", "Widyaiswara"},
      {"Efektivitas biaya", "Poin skor gabungan per Rp 1 juta biaya per peserta."}));
  auto programs = [&](const char* sheet, const google::protobuf::RepeatedPtrField<scoring::v1::ProgramScore>& list,
                      bool by_composite) -> absl::Status {
    PELITA_XLSX_OK(w.AddSheet(sheet, Header({"Peringkat", "Program", "Kode", "Angkatan", "Peserta"}, RankingColumns()),
                              Widths({10, 40, 40, 10, 10}, RankingColumns())));
    for (const auto& p : list) {
      std::vector<Cell> row = {
          Cell(static_cast<double>(by_composite ? p.rank_by_composite() : p.rank_by_cost_effectiveness())),
          Cell(GroupTitle(p.program(), p.title())), Cell(p.program()), Cell(static_cast<double>(p.cohorts())),
          Cell(static_cast<double>(p.participants()))};
      const Figure* figures[] = {
          p.has_composite() ? &p.composite() : nullptr,
          p.has_cost_effectiveness() ? &p.cost_effectiveness() : nullptr,
          p.has_cost_per_participant() ? &p.cost_per_participant() : nullptr,
          p.has_normalised_gain() ? &p.normalised_gain() : nullptr,
      };
      for (size_t i = 0; i < RankingColumns().size(); ++i) AppendFigure(figures[i], RankingColumns()[i].kind, &row);
      PELITA_XLSX_OK(w.AddRow(row));
    }
    return absl::OkStatus();
  };
  PELITA_XLSX_OK(programs("Skor gabungan", ranking.by_composite(), true));
  PELITA_XLSX_OK(programs("Efektivitas biaya", ranking.by_cost_effectiveness(), false));
  PELITA_XLSX_OK(w.AddSheet("Widyaiswara", Header({"Widyaiswara", "Angkatan"}, InstructorColumns()),
                            Widths({40, 10}, InstructorColumns())));
  for (const auto& i : ranking.instructors()) {
    std::vector<Cell> row = {Cell(i.instructor()), Cell(static_cast<double>(i.cohorts()))};
    AppendFigure(i.has_reaction_instruktur() ? &i.reaction_instruktur() : nullptr, InstructorColumns()[0].kind, &row);
    AppendFigure(i.has_normalised_gain() ? &i.normalised_gain() : nullptr, InstructorColumns()[1].kind, &row);
    PELITA_XLSX_OK(w.AddRow(row));
  }
  return w.Finish();
}

absl::StatusOr<std::string> RenderBenchmarkXlsx(const scoring::v1::ProvinceBenchmark& benchmark,
                                                const absl::flat_hash_map<std::string, std::string>& tenant_names,
                                                const AnalysisContext& c, const std::string& tmp_dir) {
  auto book = XlsxWorkbook::Create(tmp_dir);
  if (!book.ok()) return book.status();
  XlsxWorkbook& w = **book;
  auto name_of = [&](const std::string& tenant) {
    const std::string code = TenantCode(tenant);
    auto it = tenant_names.find(code);
    return it != tenant_names.end() && !it->second.empty() ? it->second : code;
  };
  std::vector<std::string> extra;
  if (!benchmark.focus_tenant().empty()) {
    extra = {"Dibandingkan", absl::StrCat(name_of(benchmark.focus_tenant()),
                                          " terhadap kabupaten/kota lain di provinsi (lembar Sebaran provinsi).")};
  }
  if (!benchmark.missing_tenants().empty()) {
    std::vector<std::string> missing;
    for (const auto& m : benchmark.missing_tenants()) missing.push_back(name_of(m));
    extra.push_back("Belum memakai Pelita");
    extra.push_back(absl::StrCat(FormatInteger(benchmark.missing_tenants_size()),
                                 " kabupaten/kota belum memakai Pelita dan tidak ada dalam tabel: ",
                                 absl::StrJoin(missing, ", "), "."));
  }
  PELITA_XLSX_OK(AddAbout(w, absl::StrCat("Perbandingan kabupaten/kota tahun ", c.year), c,
                          {"Keterangan", "Perbandingan", "Sebaran provinsi"}, extra));
  PELITA_XLSX_OK(w.AddSheet("Perbandingan",
                            Header({"Kabupaten/kota", "Kode", "Program", "Angkatan", "Peserta"}, BenchmarkColumns()),
                            Widths({34, 8, 10, 10, 10}, BenchmarkColumns())));
  for (const auto& t : benchmark.tenants()) {
    std::vector<Cell> row = {Cell(name_of(t.tenant())), Cell(TenantCode(t.tenant())),
                             Cell(static_cast<double>(t.programs())), Cell(static_cast<double>(t.cohorts())),
                             Cell(static_cast<double>(t.participants()))};
    const Figure* figures[] = {
        t.has_reaction() ? &t.reaction() : nullptr,
        t.has_normalised_gain() ? &t.normalised_gain() : nullptr,
        t.has_applied_share() ? &t.applied_share() : nullptr,
        t.has_composite() ? &t.composite() : nullptr,
        t.has_cost_per_jp() ? &t.cost_per_jp() : nullptr,
    };
    for (size_t i = 0; i < BenchmarkColumns().size(); ++i) AppendFigure(figures[i], BenchmarkColumns()[i].kind, &row);
    PELITA_XLSX_OK(w.AddRow(row));
  }
  // The province's quartiles over the other regencies, one row per
  // indicator (withheld with fewer than three of them).
  PELITA_XLSX_OK(w.AddSheet("Sebaran provinsi",
                            {"Indikator", "Kabupaten/kota", "Kuartil 1", "Median", "Kuartil 3", "Keterangan"},
                            {30, 14, 12, 12, 12, 60}));
  if (benchmark.has_distribution()) {
    const auto& d = benchmark.distribution();
    const scoring::v1::IndicatorDistribution* rows[] = {&d.reaction(), &d.normalised_gain(), &d.applied_share(),
                                                        &d.composite(), &d.cost_per_jp()};
    for (size_t i = 0; i < BenchmarkColumns().size(); ++i) {
      const auto& q = *rows[i];
      auto value = [](const Figure& f) { return f.withheld() ? Cell() : Cell(f.value()); };
      std::string note;
      for (const Figure* f : {&q.q1(), &q.median(), &q.q3()}) {
        if (f->withheld()) {
          note = FigureNoteText(*f, BenchmarkColumns()[i].kind);
          break;
        }
      }
      PELITA_XLSX_OK(w.AddRow({Cell(BenchmarkColumns()[i].label), Cell(static_cast<double>(q.tenants())),
                               value(q.q1()), value(q.median()), value(q.q3()), Cell(note)}));
    }
  }
  return w.Finish();
}

}  // namespace pelita::report
