#ifndef PELITA_SERVICES_REPORT_IKM_REPORT_H_
#define PELITA_SERVICES_REPORT_IKM_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pelita/complaint/v1/complaint.pb.h"

// The Laporan Hasil Survei Kepuasan Masyarakat of a unit (PermenPANRB
// 14/2017): from complaint's Satisfaction, as units publish it.
namespace pelita::report {

// The nine elements' names as the regulation writes them (U1..U9); the
// code itself for anything else.
std::string IkmElementTitle(const std::string& code);

struct IkmContext {
  std::string tenant_name;
  std::string unit_title;
  absl::Time generated;
  absl::TimeZone zone;
};

absl::StatusOr<std::string> RenderIkmPdf(const complaint::v1::Satisfaction& s, const IkmContext& c);

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_IKM_REPORT_H_
