#include "services/report/ikm_report.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "services/report/pdf.h"
#include "services/report/xlsx.h"
#include "services/report/text.h"

namespace pelita::report {
namespace {

absl::CivilDay DayOf(const google::type::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

// Mutu pelayanan A-D and the unit's performance (kinerja), as the
// regulation's conversion table names them.
const char* Performance(const std::string& category) {
  if (category == "A") return "Sangat Baik";
  if (category == "B") return "Baik";
  if (category == "C") return "Kurang Baik";
  if (category == "D") return "Tidak Baik";
  return "—";
}

}  // namespace

std::string IkmElementTitle(const std::string& code) {
  static const char* const kTitles[] = {"Persyaratan",
                                        "Sistem, mekanisme, dan prosedur",
                                        "Waktu penyelesaian",
                                        "Biaya/tarif",
                                        "Produk spesifikasi jenis pelayanan",
                                        "Kompetensi pelaksana",
                                        "Perilaku pelaksana",
                                        "Penanganan pengaduan, saran, dan masukan",
                                        "Sarana dan prasarana"};
  if (code.size() == 2 && code[0] == 'U' && code[1] >= '1' && code[1] <= '9') return kTitles[code[1] - '1'];
  return code;
}

IkmProfile ProfileOf(const survey::v1::SkmAggregates& months, const survey::v1::Instrument& form) {
  IkmProfile out;
  out.available = true;
  std::map<std::string, std::map<std::string, int64_t>> counts;
  std::map<std::string, int64_t> answered;
  for (const auto& m : months.periods()) {
    out.responses += m.response_count();
    for (const auto& item : m.profile()) {
      answered[item.item()] += item.n();
      for (const auto& [choice, n] : item.choice_counts()) counts[item.item()][choice] += n;
    }
  }
  for (const auto& item : form.items()) {
    if (item.type() != survey::v1::SINGLE_CHOICE) continue;
    IkmProfileQuestion q;
    q.title = item.text();
    q.answered = answered[item.code()];
    for (const auto& ch : item.choices()) q.counts.emplace_back(ch.text(), counts[item.code()][ch.code()]);
    out.questions.push_back(std::move(q));
  }
  return out;
}

namespace {

void RenderProfile(const complaint::v1::Satisfaction& s, const IkmProfile& p, PdfDocument& pdf) {
  pdf.Heading("Profil responden");
  if (s.suppressed() && s.suppression() == complaint::v1::TOO_FEW_RESPONDENTS) {
    pdf.Paragraph("Profil responden tidak ditampilkan: responden terlalu sedikit, sehingga jawaban dapat dikenali.");
    return;
  }
  if (!p.available) {
    pdf.Paragraph(absl::StrCat("Profil responden tidak dapat disajikan: ", p.unavailable));
    return;
  }
  if (p.questions.empty()) {
    pdf.Paragraph("Formulir SKM unit ini tidak menanyakan profil responden.");
    return;
  }
  pdf.Paragraph(absl::StrCat(
      "Dari ", FormatInteger(p.responses), " responden formulir SKM Pelita pada ", p.months,
      ".  Pertanyaan profil boleh tidak dijawab; persentase dihitung dari responden yang menjawab pertanyaan itu."));
  for (const auto& q : p.questions) {
    if (q.answered < kMinProfileAnswers) {
      pdf.Note(absl::StrCat(q.title, ": tidak dirinci (dijawab ", FormatInteger(q.answered), " responden, kurang dari ",
                            kMinProfileAnswers, ")."));
      continue;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& [text, n] : q.counts) {
      rows.push_back({text, FormatInteger(n), absl::StrCat(FormatNumber(100.0 * n / q.answered, 1), "%")});
    }
    rows.push_back({"Menjawab", FormatInteger(q.answered), "100%"});
    pdf.Table({{q.title, 0.55, false}, {"Jumlah", 0.2, true}, {"Persentase", 0.25, true}}, rows);
  }
}

}  // namespace

absl::StatusOr<std::string> RenderIkmPdf(const complaint::v1::Satisfaction& s, const IkmContext& c) {
  PdfDocument::Options o;
  o.title = absl::StrCat("Laporan Hasil Survei Kepuasan Masyarakat — ", c.unit_title);
  o.footer = absl::StrCat("Laporan SKM · ", c.unit_title, " · ", c.tenant_name, " · dibuat ",
                          FormatDateTime(c.generated, c.zone), " oleh Pelita");
  PdfDocument pdf(o);
  const std::string period = absl::StrCat(FormatDate(DayOf(s.start_date())), " – ", FormatDate(DayOf(s.end_date())));
  pdf.Note(absl::StrCat("Pemerintah ", c.tenant_name));
  pdf.Title("Laporan Hasil Survei Kepuasan Masyarakat");
  pdf.Heading(c.unit_title);
  pdf.Paragraph(absl::StrCat("Periode survei: ", period));
  pdf.Paragraph(absl::StrCat(
      "Survei disusun dan diolah menurut Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan "
      "Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik: sembilan unsur pelayanan, skala 1–4."));

  pdf.Heading("Responden");
  std::vector<std::vector<std::string>> rows = {
      {"Jumlah responden", FormatInteger(s.respondents())},
      {"Populasi penerima layanan dalam periode",
       s.population() > 0 ? FormatInteger(s.population()) : "belum diketahui (volume layanan unit belum dicatat)"},
      {"Sampel minimum (Krejcie dan Morgan)", FormatInteger(s.recommended_sample_size())},
      {"Margin kesalahan (95%)", s.margin_of_error_pct() > 0 ? absl::StrCat("±", FormatNumber(s.margin_of_error_pct(), 1),
                                                                            " poin persen")
                                                            : "—"}};
  pdf.Table({{"Keterangan", 0.55, false}, {"Nilai", 0.45, true}}, rows);
  RenderProfile(s, c.profile, pdf);

  pdf.Heading("Nilai per unsur pelayanan");
  if (s.suppressed()) {
    pdf.Paragraph(absl::StrCat(
        "Indeks tidak ditampilkan: ",
        s.suppression() == complaint::v1::TOO_FEW_RESPONDENTS
            ? "responden terlalu sedikit, sehingga jawaban dapat dikenali."
            : s.suppression() == complaint::v1::ELEMENT_TOO_FEW_ANSWERS
                  ? "ada unsur yang dijawab terlalu sedikit responden; IKM memerlukan kesembilan unsur."
                  : "data belum mencukupi.",
        " Jumlah responden: ", FormatInteger(s.respondents()), "."));
  } else {
    std::vector<std::vector<std::string>> elements;
    std::vector<PdfDocument::Bar> bars;
    for (const auto& e : s.elements()) {
      elements.push_back({e.element(), IkmElementTitle(e.element()), FormatInteger(e.respondents()),
                          FormatNumber(e.nrr(), 3), FormatNumber(e.nrr() / 9.0, 3)});
      PdfDocument::Bar b;
      b.label = absl::StrCat(e.element(), " ", IkmElementTitle(e.element()));
      b.value = e.nrr();
      b.value_text = FormatNumber(e.nrr(), 2);
      bars.push_back(b);
    }
    pdf.Table({{"Unsur", 0.08, false},
               {"Unsur pelayanan", 0.44, false},
               {"Responden", 0.14, true},
               {"NRR", 0.14, true},
               {"NRR tertimbang", 0.20, true}},
              elements);
    pdf.BarChart("Nilai rata-rata (NRR) per unsur, skala 1–4", bars, 4);
    pdf.Heading("Indeks Kepuasan Masyarakat");
    pdf.Table({{"Keterangan", 0.55, false}, {"Nilai", 0.45, true}},
              {{"IKM (jumlah NRR tertimbang, 1–4)", FormatNumber(s.ikm(), 3)},
               {"IKM unit pelayanan (× 25)", FormatNumber(s.ikm_converted_rounded(), 2)},
               {"Interval kepercayaan 95%",
                absl::StrCat(FormatNumber(s.ikm_converted() - s.ikm_margin(), 2), " – ",
                             FormatNumber(s.ikm_converted() + s.ikm_margin(), 2))},
               {"Mutu pelayanan", s.category()},
               {"Kinerja unit pelayanan", s.category_label().empty() ? Performance(s.category()) : s.category_label()}});
    pdf.Paragraph(absl::StrCat("Nilai IKM ", c.unit_title, " pada periode ", period, " adalah ",
                               FormatNumber(s.ikm_converted_rounded(), 2), " dengan mutu pelayanan ", s.category(),
                               " (", Performance(s.category()), ")."));
  }

  pdf.Heading("Tabel konversi");
  pdf.Table({{"Nilai persepsi", 0.16, true},
             {"Nilai interval (NI)", 0.22, false},
             {"Nilai interval konversi (NIK)", 0.26, false},
             {"Mutu pelayanan", 0.16, false},
             {"Kinerja unit", 0.20, false}},
            {{"1", "1,00 – 2,5996", "25,00 – 64,99", "D", "Tidak Baik"},
             {"2", "2,60 – 3,064", "65,00 – 76,60", "C", "Kurang Baik"},
             {"3", "3,0644 – 3,532", "76,61 – 88,30", "B", "Baik"},
             {"4", "3,5324 – 4,00", "88,31 – 100,00", "A", "Sangat Baik"}});
  pdf.Note("NRR: nilai rata-rata unsur (jumlah nilai ÷ jumlah responden yang menjawab unsur itu); NRR tertimbang: "
           "NRR × 1/9; IKM unit = IKM × 25, dibulatkan dua desimal.  Interval kepercayaan: t(0,975; n − 1) × galat "
           "baku skor responden, dengan koreksi populasi terbatas.");
  return pdf.Finish();
}

namespace {

// Why the IKM is withheld, as the PDF says it.
std::string SuppressionText(const complaint::v1::Satisfaction& s) {
  if (s.suppression() == complaint::v1::TOO_FEW_RESPONDENTS) {
    return "responden terlalu sedikit, sehingga jawaban dapat dikenali";
  }
  if (s.suppression() == complaint::v1::ELEMENT_TOO_FEW_ANSWERS) {
    return "ada unsur yang dijawab terlalu sedikit responden; IKM memerlukan kesembilan unsur";
  }
  return "data belum mencukupi";
}

}  // namespace

absl::StatusOr<std::string> RenderIkmXlsx(const complaint::v1::Satisfaction& s, const IkmContext& c,
                                          const std::string& tmp_dir) {
  auto book = XlsxWorkbook::Create(tmp_dir);
  if (!book.ok()) return book.status();
  XlsxWorkbook& w = **book;
  using Cell = XlsxWorkbook::Cell;
  const std::string period = absl::StrCat(FormatDate(DayOf(s.start_date())), " – ", FormatDate(DayOf(s.end_date())));
  if (auto st = w.AddSheet("IKM", {"Keterangan", "Nilai"}, {55, 40}); !st.ok()) return st;
  const bool shown = !s.suppressed();
  auto number = [](double v) { return Cell(v); };
  // Shown as the PDF prints them (NRR three decimals, the IKM two, shares as
  // percentages); the value keeps its precision.
  auto shown_as = [](double v, const char* format) { return Cell(XlsxWorkbook::Number{v, format}); };
  const std::vector<std::vector<Cell>> rows = {
      {Cell(std::string("Unit pelayanan")), Cell(c.unit_title)},
      {Cell(std::string("Pemerintah")), Cell(c.tenant_name)},
      {Cell(std::string("Periode survei")), Cell(period)},
      {Cell(std::string("Dibuat")), Cell(FormatDateTime(c.generated, c.zone))},
      {Cell(std::string("Jumlah responden")), number(static_cast<double>(s.respondents()))},
      {Cell(std::string("Populasi penerima layanan dalam periode")),
       s.population() > 0 ? number(static_cast<double>(s.population())) : Cell()},
      {Cell(std::string("Sampel minimum (Krejcie dan Morgan)")),
       number(static_cast<double>(s.recommended_sample_size()))},
      {Cell(std::string("Margin kesalahan (95%, poin persen)")),
       s.margin_of_error_pct() > 0 ? shown_as(s.margin_of_error_pct(), "0.0") : Cell()},
      {Cell(std::string("IKM (jumlah NRR tertimbang, 1–4)")), shown ? shown_as(s.ikm(), "0.000") : Cell()},
      {Cell(std::string("IKM unit pelayanan (× 25)")), shown ? shown_as(s.ikm_converted_rounded(), "0.00") : Cell()},
      {Cell(std::string("Interval kepercayaan 95%, bawah")), shown ? shown_as(s.ikm_converted() - s.ikm_margin(), "0.00") : Cell()},
      {Cell(std::string("Interval kepercayaan 95%, atas")), shown ? shown_as(s.ikm_converted() + s.ikm_margin(), "0.00") : Cell()},
      {Cell(std::string("Mutu pelayanan")), Cell(shown ? s.category() : std::string())},
      {Cell(std::string("Kinerja unit pelayanan")),
       Cell(shown ? (s.category_label().empty() ? std::string(Performance(s.category())) : s.category_label())
                  : std::string())},
      {Cell(std::string("Ditampilkan")), Cell(std::string(shown ? "ya" : "tidak"))},
      {Cell(std::string("Keterangan")), Cell(shown ? std::string() : absl::StrCat("Indeks tidak ditampilkan: ", SuppressionText(s)))},
  };
  for (const auto& r : rows) {
    if (auto st = w.AddRow(r); !st.ok()) return st;
  }
  if (auto st = w.AddSheet("Unsur", {"Unsur", "Unsur pelayanan", "Responden", "NRR", "NRR tertimbang"},
                           {8, 45, 12, 12, 16});
      !st.ok()) {
    return st;
  }
  for (const auto& e : s.elements()) {
    if (auto st = w.AddRow({Cell(e.element()), Cell(IkmElementTitle(e.element())),
                            number(static_cast<double>(e.respondents())), shown_as(e.nrr(), "0.000"), shown_as(e.nrr() / 9.0, "0.000")});
        !st.ok()) {
      return st;
    }
  }
  if (auto st = w.AddSheet("Profil", {"Pertanyaan", "Kategori", "Jumlah", "Persentase dari yang menjawab"},
                           {30, 30, 12, 16});
      !st.ok()) {
    return st;
  }
  const IkmProfile& p = c.profile;
  const bool too_few = s.suppressed() && s.suppression() == complaint::v1::TOO_FEW_RESPONDENTS;
  if (too_few || !p.available) {
    const std::string why = too_few ? "Profil responden tidak ditampilkan: responden terlalu sedikit."
                                    : absl::StrCat("Profil responden tidak dapat disajikan: ", p.unavailable);
    if (auto st = w.AddRow({Cell(why)}); !st.ok()) return st;
    return w.Finish();
  }
  for (const auto& q : p.questions) {
    if (q.answered < kMinProfileAnswers) {
      if (auto st = w.AddRow({Cell(q.title), Cell(absl::StrCat("tidak dirinci (dijawab ", q.answered, " responden)"))});
          !st.ok()) {
        return st;
      }
      continue;
    }
    for (const auto& [text, n] : q.counts) {
      if (auto st = w.AddRow({Cell(q.title), Cell(text), number(static_cast<double>(n)),
                              shown_as(static_cast<double>(n) / static_cast<double>(q.answered), "0.0%")});
          !st.ok()) {
        return st;
      }
    }
    if (auto st = w.AddRow({Cell(q.title), Cell(std::string("Menjawab")), number(static_cast<double>(q.answered)),
                            shown_as(1.0, "0.0%")});
        !st.ok()) {
      return st;
    }
  }
  return w.Finish();
}

}  // namespace pelita::report
