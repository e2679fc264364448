#include "gateway/skm_cookie.h"

#include "absl/strings/str_cat.h"
#include "gateway/refresh_cookie.h"
#include "pelita/survey/v1/survey.pb.h"

namespace pelita::gateway {
namespace {

constexpr size_t kMaxToken = 3000;
constexpr char kAttributes[] = "; Path=/v1/tenants; Max-Age=86400; HttpOnly; Secure; SameSite=Strict";

}  // namespace

bool SkmCookie::Applies(absl::string_view grpc_path) {
  return grpc_path == "/pelita.survey.v1.SurveyService/SubmitSkmResponse";
}

void SkmCookie::FillRequest(absl::string_view cookie_header, std::string* request) {
  const std::string token = RefreshCookie::Find(cookie_header, kName);
  if (!IsTokenCookieValue(token, kMaxToken)) return;
  survey::v1::SubmitSkmResponseRequest r;
  if (!r.ParseFromString(*request) || !r.device_token().empty()) return;
  r.set_device_token(token);
  *request = r.SerializeAsString();
}

std::optional<std::string> SkmCookie::TakeFromReply(std::string* reply) {
  survey::v1::SkmReceipt r;
  if (!r.ParseFromString(*reply) || !IsTokenCookieValue(r.device_token(), kMaxToken)) return std::nullopt;
  std::string token = r.device_token();
  r.clear_device_token();
  *reply = r.SerializeAsString();
  return absl::StrCat(kName, "=", token, kAttributes);
}

}  // namespace pelita::gateway
