// Reading a request's JSON body: the object itself or the 400 that says why not, and its fields
// checked one by one. Private to the server's answers.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "siaga/server/api.h"

namespace siaga::server::body {

struct Body {
  Json json;
  std::optional<Reply> error;
};

inline Body parse(std::string_view text) {
  Body body;
  body.json = Json::parse(text.begin(), text.end(), nullptr, false);
  if (body.json.is_discarded() || !body.json.is_object()) {
    body.error = error_reply(400, "the body must be a JSON object");
  }
  return body;
}

inline std::optional<double> finite_number(const Json& body, const char* field) {
  if (!body.contains(field) || !body[field].is_number()) return std::nullopt;
  const double value = body[field].get<double>();
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

// A string of 1 to max_length bytes, else nullopt.
inline std::optional<std::string> text(const Json& body, const char* field,
                                       size_t max_length = 128) {
  if (!body.contains(field) || !body[field].is_string()) return std::nullopt;
  std::string value = body[field].get<std::string>();
  if (value.empty() || value.size() > max_length) return std::nullopt;
  return value;
}

// An optional text field: empty when absent or null; InputError naming the field when it is not
// text or longer than max_length.
inline std::string optional_text(const Json& body, const char* field, size_t max_length) {
  if (!body.contains(field) || body[field].is_null()) return {};
  if (!body[field].is_string()) throw InputError(std::string(field) + " must be text");
  std::string value = body[field].get<std::string>();
  if (value.size() > max_length)
    throw InputError(std::string(field) + ": at most " + std::to_string(max_length) + " bytes");
  return value;
}

inline bool optional_flag(const Json& body, const char* field) {
  if (!body.contains(field) || body[field].is_null()) return false;
  if (!body[field].is_boolean()) throw InputError(std::string(field) + " must be true or false");
  return body[field].get<bool>();
}

}  // namespace siaga::server::body
