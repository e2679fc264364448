#include "services/report/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pelita::report {
namespace {

constexpr double kA4Short = 595.276;
constexpr double kA4Long = 841.890;
constexpr double kBody = 10;
constexpr double kFooterSpace = 36;
// The palette: a dark blue for the cohort's figures, an orange for the
// comparison, greys for rules and notes (readable in black and white too).
constexpr double kPrimary[3] = {0.12, 0.30, 0.55};
constexpr double kSecondary[3] = {0.85, 0.45, 0.10};

// Pango takes UTF-8 only; names typed elsewhere are made valid (U+FFFD).
std::string ValidUtf8(absl::string_view text) {
  gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
  std::string out(valid);
  g_free(valid);
  return out;
}

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using Layout = std::unique_ptr<PangoLayout, LayoutDeleter>;

// A layout in the document's one Pango context: creating a context per
// layout (pango_cairo_create_layout) costs a font lookup each time and was
// most of a certificate's rendering time.
Layout MakeLayout(PangoContext* context, absl::string_view text, double size, bool bold, double width, int align,
                  bool serif) {
  Layout l(pango_layout_new(context));
  PangoFontDescription* fd = pango_font_description_new();
  pango_font_description_set_family(fd, serif ? "Noto Serif" : "Noto Sans");
  pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
  pango_layout_set_font_description(l.get(), fd);
  pango_font_description_free(fd);
  pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(l.get(), align == 1   ? PANGO_ALIGN_CENTER
                                      : align == 2 ? PANGO_ALIGN_RIGHT
                                                   : PANGO_ALIGN_LEFT);
  const std::string valid = ValidUtf8(text);
  pango_layout_set_text(l.get(), valid.data(), static_cast<int>(valid.size()));
  return l;
}

double HeightOf(PangoLayout* l) {
  int w = 0, h = 0;
  pango_layout_get_size(l, &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

}  // namespace

int PdfDocument::AppendTo(void* closure, const unsigned char* data, unsigned int length) {
  Output* out = static_cast<Output*>(closure);
  if (out->cancelled) return CAIRO_STATUS_WRITE_ERROR;
  out->bytes.append(reinterpret_cast<const char*>(data), length);
  if (out->sink && out->bytes.size() >= out->piece_bytes) {
    std::string piece;
    piece.swap(out->bytes);
    if (!out->sink(std::move(piece))) {
      out->cancelled = true;
      return CAIRO_STATUS_WRITE_ERROR;
    }
  }
  return CAIRO_STATUS_SUCCESS;
}

PdfDocument::PdfDocument(Options options) : options_(std::move(options)) {
  out_.sink = options_.sink;
  out_.piece_bytes = std::max<size_t>(options_.piece_bytes, 1);
  width_ = options_.landscape ? kA4Long : kA4Short;
  height_ = options_.landscape ? kA4Short : kA4Long;
  surface_ = cairo_pdf_surface_create_for_stream(
      [](void* c, const unsigned char* d, unsigned int n) { return static_cast<cairo_status_t>(AppendTo(c, d, n)); },
      &out_, width_, height_);
  if (!options_.title.empty()) {
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, ValidUtf8(options_.title).c_str());
  }
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "Pelita");
  cr_ = cairo_create(surface_);
  context_ = pango_cairo_create_context(cr_);
}

PdfDocument::~PdfDocument() {
  if (context_ != nullptr) g_object_unref(context_);
  if (cr_ != nullptr) cairo_destroy(cr_);
  if (surface_ != nullptr) cairo_surface_destroy(surface_);
}

double PdfDocument::page_width() const { return width_; }
double PdfDocument::page_height() const { return height_; }

void PdfDocument::StartPageIfNeeded() {
  if (page_open_) return;
  ++page_;
  page_open_ = true;
  y_ = margin_;
}

void PdfDocument::DrawFooter() {
  if (options_.footer.empty() && !options_.page_numbers) return;
  const double y = height_ - kFooterSpace + 8;
  const double w = width_ - 2 * margin_;
  cairo_set_source_rgb(cr_, 0.4, 0.4, 0.4);
  if (!options_.footer.empty()) {
    Layout l = MakeLayout(context_, options_.footer, 7.5, false, w * 0.75, 0, false);
    cairo_move_to(cr_, margin_, y);
    pango_cairo_show_layout(cr_, l.get());
  }
  if (options_.page_numbers) {
    Layout l = MakeLayout(context_, absl::StrCat("Halaman ", page_), 7.5, false, w * 0.25, 2, false);
    cairo_move_to(cr_, margin_ + w * 0.75, y);
    pango_cairo_show_layout(cr_, l.get());
  }
  cairo_set_source_rgb(cr_, 0, 0, 0);
}

void PdfDocument::NewPage() {
  if (!page_open_) return;  // nothing on the page yet: no empty page
  DrawFooter();
  cairo_show_page(cr_);
  page_open_ = false;
}

void PdfDocument::EnsureRoom(double height) {
  StartPageIfNeeded();
  const double bottom = height_ - kFooterSpace - 12;
  if (y_ + height > bottom && y_ > margin_) {
    NewPage();
    StartPageIfNeeded();
  }
}

double PdfDocument::TextHeight(absl::string_view text, double size, bool bold, double width, bool serif) {
  Layout l = MakeLayout(context_, text, size, bold, width, 0, serif);
  return HeightOf(l.get());
}

void PdfDocument::Flow(absl::string_view text, double size, bool bold, double grey, double space_before,
                       double space_after, bool keep_with_next) {
  StartPageIfNeeded();
  const double w = width_ - 2 * margin_;
  Layout l = MakeLayout(context_, text, size, bold, w, 0, false);
  const double h = HeightOf(l.get());
  // A heading keeps at least a few lines of what follows on its page.
  EnsureRoom((y_ > margin_ ? space_before : 0) + h + (keep_with_next ? 60 : 0));
  if (y_ > margin_) y_ += space_before;
  cairo_set_source_rgb(cr_, grey, grey, grey);
  cairo_move_to(cr_, margin_, y_);
  pango_cairo_show_layout(cr_, l.get());
  cairo_set_source_rgb(cr_, 0, 0, 0);
  y_ += h + space_after;
}

void PdfDocument::Title(absl::string_view text) { Flow(text, 20, true, 0.05, 0, 10, true); }
void PdfDocument::Heading(absl::string_view text) { Flow(text, 14, true, 0.05, 14, 6, true); }
void PdfDocument::Subheading(absl::string_view text) { Flow(text, 11, true, 0.1, 8, 4, true); }
void PdfDocument::Paragraph(absl::string_view text) { Flow(text, kBody, false, 0, 0, 6, false); }
void PdfDocument::Note(absl::string_view text) { Flow(text, 8, false, 0.35, 0, 6, false); }

void PdfDocument::Space(double points) {
  StartPageIfNeeded();
  y_ += points;
}

void PdfDocument::Table(const std::vector<Column>& columns, const std::vector<std::vector<std::string>>& rows) {
  StartPageIfNeeded();
  const double w = width_ - 2 * margin_;
  const double pad = 3;
  constexpr double kSize = 8.5;
  auto row_height = [&](const std::vector<std::string>& cells, bool bold) {
    double h = 0;
    for (size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
      h = std::max(h, TextHeight(cells[i], kSize, bold, columns[i].width * w - 2 * pad));
    }
    return std::max(h, kSize * 1.3) + 2 * pad;
  };
  auto draw_row = [&](const std::vector<std::string>& cells, bool header, double h) {
    if (header) {
      cairo_set_source_rgb(cr_, 0.90, 0.92, 0.95);
      cairo_rectangle(cr_, margin_, y_, w, h);
      cairo_fill(cr_);
    }
    double x = margin_;
    cairo_set_source_rgb(cr_, 0, 0, 0);
    for (size_t i = 0; i < columns.size(); ++i) {
      const double cw = columns[i].width * w;
      if (i < cells.size() && !cells[i].empty()) {
        Layout l = MakeLayout(context_, cells[i], kSize, header, cw - 2 * pad, columns[i].numeric ? 2 : 0,
                              false);
        cairo_move_to(cr_, x + pad, y_ + pad);
        pango_cairo_show_layout(cr_, l.get());
      }
      x += cw;
    }
    cairo_set_source_rgb(cr_, 0.75, 0.75, 0.75);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, margin_, y_ + h);
    cairo_line_to(cr_, margin_ + w, y_ + h);
    cairo_stroke(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    y_ += h;
  };
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(c.header);
  const double hh = row_height(header, true);
  const double first = rows.empty() ? 0 : row_height(rows.front(), false);
  EnsureRoom(hh + first);
  draw_row(header, true, hh);
  for (const auto& r : rows) {
    const double h = row_height(r, false);
    const int before = page_;
    EnsureRoom(h);
    if (page_ != before) draw_row(header, true, hh);  // the header again on the new page
    draw_row(r, false, h);
  }
  y_ += 8;
}

void PdfDocument::BarChart(absl::string_view caption, const std::vector<Bar>& bars, double max) {
  StartPageIfNeeded();
  if (max <= 0) max = 1;
  const double w = width_ - 2 * margin_;
  const double label_w = w * 0.32, area_w = w * 0.50, value_x = margin_ + label_w + area_w + 6;
  const double area_x = margin_ + label_w;
  constexpr double kSize = 8;
  double total = TextHeight(caption, 9, true, w) + 6 + 14;
  std::vector<double> heights;
  for (const auto& b : bars) {
    double h = std::max(TextHeight(b.label, kSize, false, label_w - 6), 14.0);
    if (!b.shown) h = std::max(h, TextHeight(b.value_text, 7, false, area_w));
    heights.push_back(h + 4);
    total += h + 4;
  }
  EnsureRoom(std::min(total, 300.0));
  Flow(caption, 9, true, 0.1, 4, 4, false);
  // The axis: 0, max / 2, max.
  cairo_set_line_width(cr_, 0.4);
  for (int i = 0; i <= 2; ++i) {
    const double x = area_x + area_w * i / 2.0;
    cairo_set_source_rgb(cr_, 0.85, 0.85, 0.85);
    double bottom = y_;
    for (double h : heights) bottom += h;
    cairo_move_to(cr_, x, y_);
    cairo_line_to(cr_, x, bottom);
    cairo_stroke(cr_);
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double h = heights[i];
    EnsureRoom(h);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    Layout l = MakeLayout(context_, b.label, kSize, false, label_w - 6, 0, false);
    cairo_move_to(cr_, margin_, y_ + 2);
    pango_cairo_show_layout(cr_, l.get());
    if (b.shown) {
      const double v = std::clamp(b.value, 0.0, max);
      const double* c = b.series == 0 ? kPrimary : kSecondary;
      cairo_set_source_rgb(cr_, c[0], c[1], c[2]);
      cairo_rectangle(cr_, area_x, y_ + 3, area_w * v / max, 10);
      cairo_fill(cr_);
      if (b.has_interval) {
        const double lo = area_x + area_w * std::clamp(b.low, 0.0, max) / max;
        const double hi = area_x + area_w * std::clamp(b.high, 0.0, max) / max;
        cairo_set_source_rgb(cr_, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr_, 0.8);
        cairo_move_to(cr_, lo, y_ + 8);
        cairo_line_to(cr_, hi, y_ + 8);
        cairo_move_to(cr_, lo, y_ + 5);
        cairo_line_to(cr_, lo, y_ + 11);
        cairo_move_to(cr_, hi, y_ + 5);
        cairo_line_to(cr_, hi, y_ + 11);
        cairo_stroke(cr_);
      }
      cairo_set_source_rgb(cr_, 0, 0, 0);
      Layout v_text = MakeLayout(context_, b.value_text, kSize, true, w - (value_x - margin_), 0, false);
      cairo_move_to(cr_, value_x, y_ + 2);
      pango_cairo_show_layout(cr_, v_text.get());
    } else {
      cairo_set_source_rgb(cr_, 0.4, 0.4, 0.4);
      Layout r = MakeLayout(context_, b.value_text, 7, false, area_w + (w - (value_x - margin_)), 0, false);
      cairo_move_to(cr_, area_x, y_ + 2);
      pango_cairo_show_layout(cr_, r.get());
      cairo_set_source_rgb(cr_, 0, 0, 0);
    }
    y_ += h;
  }
  // The axis' labels.
  for (int i = 0; i <= 2; ++i) {
    const double tick = max * i / 2;
    std::string t = tick == std::floor(tick) ? absl::StrCat(static_cast<int64_t>(tick)) : absl::StrFormat("%.1f", tick);
    for (char& ch : t) {
      if (ch == '.') ch = ',';  // the Indonesian decimal comma
    }
    Layout l = MakeLayout(context_, t, 7, false, 40, 1, false);
    cairo_set_source_rgb(cr_, 0.4, 0.4, 0.4);
    cairo_move_to(cr_, area_x + area_w * i / 2.0 - 20, y_ + 1);
    pango_cairo_show_layout(cr_, l.get());
  }
  cairo_set_source_rgb(cr_, 0, 0, 0);
  y_ += 18;
}

namespace {

// An axis tick the Indonesian way: "12", "2,5".
std::string TickText(double tick) {
  std::string t = tick == std::floor(tick) ? absl::StrCat(static_cast<int64_t>(tick)) : absl::StrFormat("%.1f", tick);
  for (char& ch : t) {
    if (ch == '.') ch = ',';
  }
  return t;
}

}  // namespace

// The value axis of a column or line chart: a grid line and its tick text
// at each (y, text), the axis title turned along the left edge.
void PdfDocument::ValueAxis(double area_x, double area_w, double bottom, double plot_h, absl::string_view y_label,
                            const std::vector<std::pair<double, std::string>>& ticks) {
  // The tick texts fill the axis's width (area_x - margin_) less its gutter.
  const double axis_w = area_x - margin_;
  cairo_set_line_width(cr_, 0.4);
  for (const auto& [y, text] : ticks) {
    cairo_set_source_rgb(cr_, 0.85, 0.85, 0.85);
    cairo_move_to(cr_, area_x, y);
    cairo_line_to(cr_, area_x + area_w, y);
    cairo_stroke(cr_);
    cairo_set_source_rgb(cr_, 0.4, 0.4, 0.4);
    Layout l = MakeLayout(context_, text, 7, false, axis_w - 14, 2, false);
    cairo_move_to(cr_, margin_ + 10, y - 5);
    pango_cairo_show_layout(cr_, l.get());
  }
  Layout l = MakeLayout(context_, y_label, 7, false, plot_h, 1, false);
  cairo_save(cr_);
  cairo_move_to(cr_, margin_, bottom);
  cairo_rotate(cr_, -M_PI / 2);
  pango_cairo_show_layout(cr_, l.get());
  cairo_restore(cr_);
}

void PdfDocument::ColumnChart(absl::string_view caption, const std::vector<std::string>& categories,
                              const std::vector<ColumnSeries>& series, double max, absl::string_view y_label,
                              absl::string_view x_label) {
  StartPageIfNeeded();
  if (max <= 0) max = 1;
  const double w = width_ - 2 * margin_;
  constexpr double kPlotH = 130, kAxisW = 34, kLegendH = 14, kLabelsH = 24;
  const double total = TextHeight(caption, 9, true, w) + 8 + kLegendH + kPlotH + kLabelsH + 10;
  EnsureRoom(total);
  Flow(caption, 9, true, 0.1, 4, 4, false);
  // The legend.
  double lx = margin_ + kAxisW;
  for (size_t s = 0; s < series.size(); ++s) {
    const double* c = s == 0 ? kPrimary : kSecondary;
    cairo_set_source_rgb(cr_, c[0], c[1], c[2]);
    cairo_rectangle(cr_, lx, y_ + 3, 8, 8);
    cairo_fill(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    Layout l = MakeLayout(context_, series[s].name, 8, false, 140, 0, false);
    cairo_move_to(cr_, lx + 11, y_ + 1);
    pango_cairo_show_layout(cr_, l.get());
    lx += 150;
  }
  y_ += kLegendH;
  const double top = y_ + 8, bottom = top + kPlotH;
  const double area_x = margin_ + kAxisW, area_w = w - kAxisW;
  // Grid lines and ticks at 0, max / 2, max; the axis title beside them.
  ValueAxis(area_x, area_w, bottom, kPlotH, y_label,
            {{bottom, TickText(0)}, {bottom - kPlotH / 2.0, TickText(max / 2)}, {bottom - kPlotH, TickText(max)}});
  const size_t n = std::max<size_t>(categories.size(), 1);
  const double group_w = area_w / static_cast<double>(n);
  const double col_w = group_w * 0.8 / static_cast<double>(std::max<size_t>(series.size(), 1));
  for (size_t k = 0; k < categories.size(); ++k) {
    const double gx = area_x + group_w * static_cast<double>(k) + group_w * 0.1;
    for (size_t s = 0; s < series.size(); ++s) {
      const double v = k < series[s].values.size() ? std::clamp(series[s].values[k], 0.0, max) : 0;
      const double h = kPlotH * v / max;
      const double* c = s == 0 ? kPrimary : kSecondary;
      const double x = gx + col_w * static_cast<double>(s);
      cairo_set_source_rgb(cr_, c[0], c[1], c[2]);
      cairo_rectangle(cr_, x, bottom - h, col_w - 1, h);
      cairo_fill(cr_);
      cairo_set_source_rgb(cr_, 0, 0, 0);
      Layout l = MakeLayout(context_, TickText(k < series[s].values.size() ? series[s].values[k] : 0), 6, false,
                            col_w + 8, 1, false);
      cairo_move_to(cr_, x - 4, bottom - h - 9);
      pango_cairo_show_layout(cr_, l.get());
    }
    cairo_set_source_rgb(cr_, 0.2, 0.2, 0.2);
    Layout l = MakeLayout(context_, categories[k], 6.5, false, group_w, 1, false);
    cairo_move_to(cr_, area_x + group_w * static_cast<double>(k), bottom + 2);
    pango_cairo_show_layout(cr_, l.get());
  }
  cairo_set_source_rgb(cr_, 0.4, 0.4, 0.4);
  Layout xl = MakeLayout(context_, x_label, 7, false, area_w, 1, false);
  cairo_move_to(cr_, area_x, bottom + 13);
  pango_cairo_show_layout(cr_, xl.get());
  cairo_set_source_rgb(cr_, 0, 0, 0);
  y_ = bottom + kLabelsH + 6;
}

void PdfDocument::LineChart(absl::string_view caption, const std::vector<std::string>& points,
                            const std::vector<LineSeries>& series, const std::vector<Span>& spans, double min,
                            double max, absl::string_view y_label, absl::string_view x_label) {
  StartPageIfNeeded();
  if (!(max > min)) max = min + 1;
  const double w = width_ - 2 * margin_;
  constexpr double kPlotH = 140, kAxisW = 34, kLegendH = 14, kLabelsH = 30;
  const double total = TextHeight(caption, 9, true, w) + 8 + kLegendH + kPlotH + kLabelsH + 10;
  EnsureRoom(total);
  Flow(caption, 9, true, 0.1, 4, 4, false);
  auto set_dash = [&](size_t s) {
    if (s == 0) {
      cairo_set_dash(cr_, nullptr, 0, 0);
    } else {
      const double dash[] = {4, 2};
      cairo_set_dash(cr_, dash, 2, 0);
    }
  };
  auto marker = [&](size_t s, double x, double y) {
    if (s == 0) {
      cairo_arc(cr_, x, y, 1.8, 0, 2 * M_PI);
    } else {
      cairo_rectangle(cr_, x - 1.8, y - 1.8, 3.6, 3.6);
    }
    cairo_fill(cr_);
  };
  // The legend: each series' line and marker, then the shaded spans.
  double lx = margin_ + kAxisW;
  for (size_t s = 0; s < series.size(); ++s) {
    const double* c = s == 0 ? kPrimary : kSecondary;
    cairo_set_source_rgb(cr_, c[0], c[1], c[2]);
    cairo_set_line_width(cr_, 1.4);
    set_dash(s);
    cairo_move_to(cr_, lx, y_ + 7);
    cairo_line_to(cr_, lx + 16, y_ + 7);
    cairo_stroke(cr_);
    marker(s, lx + 8, y_ + 7);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    Layout l = MakeLayout(context_, series[s].name, 8, false, 150, 0, false);
    cairo_move_to(cr_, lx + 20, y_ + 1);
    pango_cairo_show_layout(cr_, l.get());
    lx += 170;
  }
  set_dash(0);
  y_ += kLegendH;
  const double top = y_ + 10, bottom = top + kPlotH;
  const double area_x = margin_ + kAxisW, area_w = w - kAxisW;
  const size_t n = points.size();
  const double step = n > 1 ? area_w / static_cast<double>(n - 1) : 0;
  auto px = [&](size_t i) { return n > 1 ? area_x + step * static_cast<double>(i) : area_x + area_w / 2; };
  auto py = [&](double v) { return bottom - kPlotH * (std::clamp(v, min, max) - min) / (max - min); };
  // The spans, shaded half a step beyond their points (the first grey, the
  // next a pale blue, so that adjacent windows stay apart), edged by a
  // dashed line and labelled on top.
  for (size_t k = 0; k < spans.size(); ++k) {
    const Span& sp = spans[k];
    if (n == 0 || sp.first >= n || sp.last < sp.first) continue;
    const size_t last = std::min(sp.last, n - 1);
    const double x0 = std::max(area_x, px(sp.first) - step / 2), x1 = std::min(area_x + area_w, px(last) + step / 2);
    if (k % 2 == 0) {
      cairo_set_source_rgb(cr_, 0.93, 0.93, 0.93);
    } else {
      cairo_set_source_rgb(cr_, 0.88, 0.92, 0.97);
    }
    cairo_rectangle(cr_, x0, top, std::max(1.0, x1 - x0), kPlotH);
    cairo_fill(cr_);
    const double edge[] = {2, 2};
    cairo_set_dash(cr_, edge, 2, 0);
    cairo_set_line_width(cr_, 0.6);
    cairo_set_source_rgb(cr_, 0.45, 0.45, 0.45);
    for (double x : {x0, x1}) {
      cairo_move_to(cr_, x, top);
      cairo_line_to(cr_, x, bottom);
    }
    cairo_stroke(cr_);
    cairo_set_dash(cr_, nullptr, 0, 0);
    cairo_set_source_rgb(cr_, 0.3, 0.3, 0.3);
    Layout l = MakeLayout(context_, sp.label, 6.5, false, std::max(40.0, x1 - x0), 1, false);
    cairo_move_to(cr_, x0 + (x1 - x0) / 2 - std::max(40.0, x1 - x0) / 2, top - 9);
    pango_cairo_show_layout(cr_, l.get());
  }
  // Grid lines and ticks at min, the middle and max; the axis title.
  std::vector<std::pair<double, std::string>> ticks;
  for (int i = 0; i <= 2; ++i) {
    const double v = min + (max - min) * i / 2;
    ticks.emplace_back(py(v), TickText(v));
  }
  ValueAxis(area_x, area_w, bottom, kPlotH, y_label, ticks);
  // The lines: a segment only between two neighbouring points with values.
  for (size_t s = 0; s < series.size(); ++s) {
    const auto& v = series[s].values;
    const double* c = s == 0 ? kPrimary : kSecondary;
    cairo_set_source_rgb(cr_, c[0], c[1], c[2]);
    cairo_set_line_width(cr_, 1.4);
    set_dash(s);
    for (size_t i = 0; i + 1 < n && i + 1 < v.size(); ++i) {
      if (!v[i] || !v[i + 1]) continue;
      cairo_move_to(cr_, px(i), py(*v[i]));
      cairo_line_to(cr_, px(i + 1), py(*v[i + 1]));
      cairo_stroke(cr_);
    }
    set_dash(0);
    for (size_t i = 0; i < n && i < v.size(); ++i) {
      if (v[i]) marker(s, px(i), py(*v[i]));
    }
  }
  // Point labels: every one when they fit, else every k-th.
  const size_t every = std::max<size_t>(1, static_cast<size_t>(std::ceil(28.0 * n / std::max(area_w, 1.0))));
  cairo_set_source_rgb(cr_, 0.2, 0.2, 0.2);
  for (size_t i = 0; i < n; i += every) {
    Layout l = MakeLayout(context_, points[i], 6, false, 34, 1, false);
    cairo_move_to(cr_, px(i) - 17, bottom + 2);
    pango_cairo_show_layout(cr_, l.get());
  }
  cairo_set_source_rgb(cr_, 0.4, 0.4, 0.4);
  Layout xl = MakeLayout(context_, x_label, 7, false, area_w, 1, false);
  cairo_move_to(cr_, area_x, bottom + 18);
  pango_cairo_show_layout(cr_, xl.get());
  cairo_set_source_rgb(cr_, 0, 0, 0);
  y_ = bottom + kLabelsH + 6;
}

double PdfDocument::TextAt(double x, double y, double width, absl::string_view text, double size, bool bold,
                           int align, bool serif) {
  StartPageIfNeeded();
  Layout l = MakeLayout(context_, text, size, bold, width, align, serif);
  cairo_move_to(cr_, x, y);
  pango_cairo_show_layout(cr_, l.get());
  return HeightOf(l.get());
}

void PdfDocument::Matrix(double x, double y, double side, int modules, const std::vector<bool>& on) {
  StartPageIfNeeded();
  if (modules <= 0) return;
  const double cell = side / modules;
  cairo_set_source_rgb(cr_, 0, 0, 0);
  // Each run of dark modules in a row is one rectangle (a third of the
  // drawing operations of one square per module).
  for (int r = 0; r < modules; ++r) {
    for (int c = 0; c < modules;) {
      if (!on[static_cast<size_t>(r) * modules + c]) {
        ++c;
        continue;
      }
      int end = c;
      while (end < modules && on[static_cast<size_t>(r) * modules + end]) ++end;
      cairo_rectangle(cr_, x + c * cell, y + r * cell, (end - c) * cell, cell);
      c = end;
    }
  }
  cairo_fill(cr_);
}

void PdfDocument::Rule(double x, double y, double width, double line_width) {
  StartPageIfNeeded();
  cairo_set_source_rgb(cr_, 0, 0, 0);
  cairo_set_line_width(cr_, line_width);
  cairo_move_to(cr_, x, y);
  cairo_line_to(cr_, x + width, y);
  cairo_stroke(cr_);
}

void PdfDocument::Frame(double inset, double line_width) {
  StartPageIfNeeded();
  cairo_set_source_rgb(cr_, kPrimary[0], kPrimary[1], kPrimary[2]);
  cairo_set_line_width(cr_, line_width);
  cairo_rectangle(cr_, inset, inset, width_ - 2 * inset, height_ - 2 * inset);
  cairo_stroke(cr_);
  cairo_set_source_rgb(cr_, 0, 0, 0);
}

absl::StatusOr<std::string> PdfDocument::Finish() {
  if (page_ == 0) StartPageIfNeeded();  // a document has at least one page
  if (page_open_) {
    DrawFooter();
    cairo_show_page(cr_);
    page_open_ = false;
  }
  g_object_unref(context_);
  context_ = nullptr;
  cairo_destroy(cr_);
  cr_ = nullptr;
  cairo_surface_finish(surface_);
  const cairo_status_t st = cairo_surface_status(surface_);
  cairo_surface_destroy(surface_);
  surface_ = nullptr;
  if (out_.cancelled) return absl::CancelledError("the document's receiver went away");
  if (st != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(absl::StrCat("PDF rendering failed: ", cairo_status_to_string(st)));
  }
  if (!out_.sink) return std::move(out_.bytes);
  if (!out_.bytes.empty()) {
    std::string last;
    last.swap(out_.bytes);
    if (!out_.sink(std::move(last))) return absl::CancelledError("the document's receiver went away");
  }
  return std::string();
}

}  // namespace pelita::report
