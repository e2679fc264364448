#ifndef PELITA_SERVICES_REPORT_PDF_H_
#define PELITA_SERVICES_REPORT_PDF_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;
typedef struct _PangoContext PangoContext;

namespace pelita::report {

// An A4 PDF written top to bottom, as a report is read: headings,
// paragraphs, tables and bar charts flow down the page and onto the next
// when they do not fit (a table repeats its header on the new page); every
// page gets a footer with its number and a line of text (the generation
// time).  Text is shaped by Pango in Noto Sans (fonts-noto-core), so the
// fonts are embedded and the text extractable (pdftotext reads it back).
//
// Not thread-safe; one document per thread.  Cairo/Pango failures (out of
// memory) surface in Finish.
class PdfDocument {
 public:
  struct Options {
    bool landscape = false;
    // Printed at the bottom left of every page; the page number
    // ("Halaman 3") at the bottom right.  No footer when both are off.
    std::string footer;
    bool page_numbers = true;
    // The document's title in the PDF's metadata.
    std::string title;
    // Where the bytes go while the document is written: when set, they are
    // handed over in pieces of at least `piece_bytes` (the last one
    // smaller) as cairo produces them — each page's objects when the page
    // is finished, the embedded fonts at the end — so a document of a
    // thousand pages is never held whole; Finish then returns an empty
    // string.  A sink that returns false (the receiver went away) stops the
    // document: Finish is CANCELLED.
    std::function<bool(std::string piece)> sink;
    size_t piece_bytes = 1 << 20;
  };

  explicit PdfDocument(Options options);
  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;

  // The flowing content.  Text is plain (no markup); `\n` breaks lines.
  void Title(absl::string_view text);
  void Heading(absl::string_view text);
  void Subheading(absl::string_view text);
  void Paragraph(absl::string_view text);
  // A smaller, grey paragraph (notes, reasons).
  void Note(absl::string_view text);
  // `widths` are fractions of the text width (they should sum to 1);
  // `numeric` columns are right-aligned.  Rows may have fewer cells.
  struct Column {
    std::string header;
    double width;
    bool numeric = false;
  };
  void Table(const std::vector<Column>& columns, const std::vector<std::vector<std::string>>& rows);
  // Horizontal bars on a 0..`max` axis; a bar with `shown` false draws no
  // bar and prints `value_text` (the reason) instead.  Optional interval
  // whiskers (low/high on the same axis).
  struct Bar {
    std::string label;
    double value = 0;
    bool shown = true;
    std::string value_text;
    bool has_interval = false;
    double low = 0, high = 0;
    // 0: the primary colour, 1: the comparison colour.
    int series = 0;
  };
  void BarChart(absl::string_view caption, const std::vector<Bar>& bars, double max);
  // Vertical columns in groups on a 0..`max` axis: one group per category
  // (e.g. a score band), one column per series in each group (the primary
  // colour first, then the comparison colour), each column's value printed
  // above it; a legend names the series and `y_label` the axis.  Every
  // category has one value per series.
  struct ColumnSeries {
    std::string name;
    std::vector<double> values;
  };
  void ColumnChart(absl::string_view caption, const std::vector<std::string>& categories,
                   const std::vector<ColumnSeries>& series, double max, absl::string_view y_label,
                   absl::string_view x_label);
  // Lines over ordered points (e.g. months) on a `min`..`max` axis: a point
  // without a value is a gap (the line breaks there, nothing is drawn at
  // 0); spans of points are shaded and labelled (e.g. the before and after
  // windows); every series has one optional value per point.  Series 0
  // is the primary colour with round markers, series 1 the comparison
  // colour, dashed, with square markers (readable in black and white).
  struct LineSeries {
    std::string name;
    std::vector<std::optional<double>> values;
  };
  struct Span {
    size_t first = 0, last = 0;  // point indices, inclusive
    std::string label;
  };
  void LineChart(absl::string_view caption, const std::vector<std::string>& points,
                 const std::vector<LineSeries>& series, const std::vector<Span>& spans, double min, double max,
                 absl::string_view y_label, absl::string_view x_label);
  void Space(double points);
  void NewPage();

  // Fixed layout (certificates): the page size in points and text placed
  // in a box; `align` 0 left, 1 centre, 2 right.  Returns the height used.
  double page_width() const;
  double page_height() const;
  double TextAt(double x, double y, double width, absl::string_view text, double size, bool bold, int align,
                bool serif = false);
  // A square of `modules` x `modules` cells, `on(row, col)` dark, at x, y
  // with side `side` (the certificate's QR code).
  void Matrix(double x, double y, double side, int modules, const std::vector<bool>& on);
  void Rule(double x, double y, double width, double line_width);
  void Frame(double inset, double line_width);

  // Ends the document and returns the PDF.
  absl::StatusOr<std::string> Finish();

  int pages() const { return page_; }

 private:
  double TextHeight(absl::string_view text, double size, bool bold, double width, bool serif = false);
  void Flow(absl::string_view text, double size, bool bold, double grey, double space_before, double space_after,
            bool keep_with_next);
  void EnsureRoom(double height);
  void StartPageIfNeeded();
  void DrawFooter();
  // The value axis of ColumnChart and LineChart (grid, ticks, title).
  void ValueAxis(double area_x, double area_w, double bottom, double plot_h, absl::string_view y_label,
                 const std::vector<std::pair<double, std::string>>& ticks);

  // What cairo's stream writes into (AppendTo).
  struct Output {
    std::string bytes;
    std::function<bool(std::string)> sink;
    size_t piece_bytes = 0;
    bool cancelled = false;
  };
  static int AppendTo(void* closure, const unsigned char* data, unsigned int length);

  Options options_;
  Output out_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  PangoContext* context_ = nullptr;
  double width_, height_;
  double margin_ = 56;  // about 2 cm
  double y_ = 0;
  int page_ = 0;
  bool page_open_ = false;
};

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_PDF_H_
