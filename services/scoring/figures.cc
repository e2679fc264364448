#include "services/scoring/figures.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace pelita::scoring {

v1::Figure Value(double value, int64_t n, const std::string& formula, const Inputs& inputs) {
  v1::Figure f;
  f.set_value(value);
  f.set_n(n);
  f.set_formula(formula);
  for (const auto& [k, v] : inputs) (*f.mutable_inputs())[k] = v;
  return f;
}

v1::Figure Withheld(int64_t n, v1::ReasonCode code, const std::string& reason, const std::string& formula) {
  v1::Figure f;
  f.set_n(n);
  f.set_formula(formula);
  f.set_withheld(true);
  f.set_reason(reason);
  f.set_reason_code(code);
  return f;
}

v1::Figure WithheldLike(int64_t n, const v1::Figure& cause, const std::string& formula) {
  return Withheld(n, cause.reason_code(), cause.reason(), formula);
}

void SetInterval(v1::Figure& f, double lo, double hi) {
  f.set_has_interval(true);
  f.set_ci_low(lo);
  f.set_ci_high(hi);
}

bool MarkIfInconclusive(v1::Figure& f, const std::string& what) {
  if (f.withheld() || !f.has_interval() || f.ci_low() > 0 || f.ci_high() < 0) return false;
  f.set_inconclusive(true);
  f.set_reason_code(v1::EFFECT_NOT_SHOWN);
  f.set_reason(absl::StrFormat("no effect shown: the 95%% interval of %s (%.4g to %.4g) includes 0", what,
                               f.ci_low(), f.ci_high()));
  return true;
}

std::string TooFew(int64_t n, int min_n, const std::string& what) {
  return absl::StrCat("withheld: ", n, " ", what, ", fewer than the minimum ", min_n, " (UU 27/2022)");
}

void ScrubWithheld(google::protobuf::Message* m) {
  namespace pb = ::google::protobuf;
  if (auto* f = dynamic_cast<v1::Figure*>(m)) {
    if (f->withheld()) {
      f->set_value(0);
      f->clear_inputs();
      f->set_has_interval(false);
      f->set_ci_low(0);
      f->set_ci_high(0);
      f->set_inconclusive(false);
    }
    return;
  }
  if (auto* sd = dynamic_cast<v1::ScoreDistribution*>(m)) {
    // A withheld distribution carries no band (its counts would give the
    // scores of fewer than min n pairs).
    if (sd->withheld()) sd->clear_bands();
    return;
  }
  const pb::Descriptor* d = m->GetDescriptor();
  const pb::Reflection* r = m->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* field = d->field(i);
    if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_map() &&
        field->message_type()->map_value()->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;  // e.g. Figure.inputs: no figure inside
    }
    if (field->is_repeated()) {
      // Repeated messages and map entries (maps are repeated entry messages).
      for (int k = 0; k < r->FieldSize(*m, field); ++k) ScrubWithheld(r->MutableRepeatedMessage(m, field, k));
    } else if (r->HasField(*m, field)) {
      ScrubWithheld(r->MutableMessage(m, field));
    }
  }
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
