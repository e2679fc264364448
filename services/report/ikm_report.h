#ifndef PELITA_SERVICES_REPORT_IKM_REPORT_H_
#define PELITA_SERVICES_REPORT_IKM_REPORT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pelita/complaint/v1/complaint.pb.h"
#include "pelita/survey/v1/survey.pb.h"

// The Laporan Hasil Survei Kepuasan Masyarakat of a unit (PermenPANRB
// 14/2017): from complaint's Satisfaction, as units publish it.
namespace pelita::report {

// The nine elements' names as the regulation writes them (U1..U9); the
// code itself for anything else.
std::string IkmElementTitle(const std::string& code);

// The respondents' profile (jenis kelamin, usia, pendidikan, pekerjaan):
// the optional choice questions of Pelita's SKM form, counted by the survey
// service per month.
struct IkmProfileQuestion {
  std::string title;  // "Jenis kelamin"
  int64_t answered = 0;
  // Each choice's text and count, in the form's order.
  std::vector<std::pair<std::string, int64_t>> counts;
};
struct IkmProfile {
  // False when it could not be read; `unavailable` says why, in Indonesian.
  bool available = false;
  std::string unavailable;
  // Pelita form responses in the months read, and those months.
  int64_t responses = 0;
  std::string months;  // "Januari 2026 – Juni 2026"
  std::vector<IkmProfileQuestion> questions;
};

// A question answered by fewer people than this is not broken down (the
// same minimum as the IKM's respondents).
inline constexpr int64_t kMinProfileAnswers = 5;

struct IkmContext {
  std::string tenant_name;
  std::string unit_title;
  absl::Time generated;
  absl::TimeZone zone;
  IkmProfile profile;
};

// The profile from the months' aggregates and the form's questions (their
// titles and choice texts); choice items of the form only.
IkmProfile ProfileOf(const survey::v1::SkmAggregates& months, const survey::v1::Instrument& form);

absl::StatusOr<std::string> RenderIkmPdf(const complaint::v1::Satisfaction& s, const IkmContext& c);
// The same as a workbook: IKM (respondents, sample, the index, its interval
// and category), Unsur (NRR and weighted NRR of U1-U9), Profil (each
// profile question's counts and shares); numbers as numbers, withheld
// figures empty with the reason.
absl::StatusOr<std::string> RenderIkmXlsx(const complaint::v1::Satisfaction& s, const IkmContext& c,
                                          const std::string& tmp_dir);

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_IKM_REPORT_H_
