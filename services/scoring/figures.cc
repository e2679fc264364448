#include "services/scoring/figures.h"

#include "absl/strings/str_cat.h"

namespace pelita::scoring {

v1::Figure Value(double value, int64_t n, const std::string& formula, const Inputs& inputs) {
  v1::Figure f;
  f.set_value(value);
  f.set_n(n);
  f.set_formula(formula);
  for (const auto& [k, v] : inputs) (*f.mutable_inputs())[k] = v;
  return f;
}

v1::Figure Withheld(int64_t n, const std::string& reason, const std::string& formula, const Inputs& inputs) {
  v1::Figure f = Value(0, n, formula, inputs);
  f.set_withheld(true);
  f.set_reason(reason);
  return f;
}

void SetInterval(v1::Figure& f, double lo, double hi) {
  f.set_has_interval(true);
  f.set_ci_low(lo);
  f.set_ci_high(hi);
}

std::string TooFew(int64_t n, int min_n, const std::string& what) {
  return absl::StrCat("withheld: ", n, " ", what, ", fewer than the minimum ", min_n, " (UU 27/2022)");
}

std::string DimensionName(::pelita::survey::v1::Dimension d) {
  namespace sv1 = ::pelita::survey::v1;
  switch (d) {
    case sv1::MATERI: return "materi";
    case sv1::INSTRUKTUR: return "instruktur";
    case sv1::FASILITAS: return "fasilitas";
    case sv1::PENYELENGGARAAN: return "penyelenggaraan";
    default: return "";
  }
}

}  // namespace pelita::scoring
