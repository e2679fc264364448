// The rules of evidence (issue 13, "What a report may show") end to end.
#include "services/scoring/e2e_fixture.h"

namespace pelita::scoring {
namespace {

}  // namespace
}  // namespace pelita::scoring
