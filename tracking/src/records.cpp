#include "records.h"

#include <cstring>

namespace siaga::tracking::records {

namespace {

class Writer {
 public:
  explicit Writer(Kind kind) { out_.push_back(static_cast<char>(kind)); }
  template <typename T>
  Writer& put(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));  // x86-64 and arm64 are both little-endian
    out_.append(bytes, sizeof(T));
    return *this;
  }
  Writer& text(std::string_view value) {
    put(static_cast<uint16_t>(value.size()));
    out_.append(value.substr(0, 0xffff));
    return *this;
  }
  std::string done() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string_view body, Kind kind) : body_(body) {
    if (kind_of(body) != kind) throw JournalError("journal record of an unexpected kind");
    body_.remove_prefix(1);
  }
  template <typename T>
  T get() {
    need(sizeof(T));
    T value;
    std::memcpy(&value, body_.data(), sizeof(T));
    body_.remove_prefix(sizeof(T));
    return value;
  }
  std::string text() {
    const auto size = get<uint16_t>();
    need(size);
    std::string value(body_.substr(0, size));
    body_.remove_prefix(size);
    return value;
  }

 private:
  void need(size_t bytes) const {
    if (body_.size() < bytes) throw JournalError("journal record is shorter than its fields");
  }
  std::string_view body_;
};

}  // namespace

Kind kind_of(std::string_view body) {
  if (body.empty()) throw JournalError("empty journal record");
  return static_cast<Kind>(body[0]);
}

std::string encode_fix(const PositionFix& fix, int64_t received_ms) {
  return Writer(Kind::fix)
      .text(fix.unit_id)
      .put(fix.seq)
      .put(fix.time_ms)
      .put(fix.lat)
      .put(fix.lon)
      .put(fix.speed_mps)
      .put(fix.heading_deg)
      .put(fix.accuracy_m)
      .put(static_cast<uint8_t>(fix.battery.has_value()))
      .put(fix.battery.value_or(0.0f))
      .put(received_ms)
      .done();
}

PositionFix decode_fix(std::string_view body, int64_t& received_ms) {
  Reader in(body, Kind::fix);
  PositionFix fix;
  fix.unit_id = in.text();
  fix.seq = in.get<uint64_t>();
  fix.time_ms = in.get<int64_t>();
  fix.lat = in.get<double>();
  fix.lon = in.get<double>();
  fix.speed_mps = in.get<float>();
  fix.heading_deg = in.get<float>();
  fix.accuracy_m = in.get<float>();
  const bool has_battery = in.get<uint8_t>() != 0;
  const float battery = in.get<float>();
  if (has_battery) fix.battery = battery;
  received_ms = in.get<int64_t>();
  return fix;
}

std::string encode_status(const StatusReport& report) {
  return Writer(Kind::status)
      .text(report.unit_id)
      .put(report.seq)
      .text(report.status)
      .text(report.incident_id)
      .put(report.time_ms)
      .done();
}

StatusReport decode_status(std::string_view body) {
  Reader in(body, Kind::status);
  StatusReport report;
  report.unit_id = in.text();
  report.seq = in.get<uint64_t>();
  report.status = in.text();
  report.incident_id = in.text();
  report.time_ms = in.get<int64_t>();
  return report;
}

std::string encode_rejection(Rejection reason) {
  return Writer(Kind::rejection).put(static_cast<uint8_t>(reason)).done();
}

Rejection decode_rejection(std::string_view body) {
  Reader in(body, Kind::rejection);
  const auto reason = in.get<uint8_t>();
  if (reason >= rejection_count) throw JournalError("journal record names no known rejection");
  return static_cast<Rejection>(reason);
}

std::string encode_counters(const Counters& counters) {
  Writer out(Kind::counters);
  out.put(counters.fixes_accepted).put(counters.statuses_accepted);
  out.put(static_cast<uint8_t>(rejection_count));
  for (uint64_t count : counters.rejected) out.put(count);
  return out.done();
}

Counters decode_counters(std::string_view body) {
  Reader in(body, Kind::counters);
  Counters counters;
  counters.fixes_accepted = in.get<uint64_t>();
  counters.statuses_accepted = in.get<uint64_t>();
  const auto count = in.get<uint8_t>();
  for (int i = 0; i < count; ++i) {
    const uint64_t value = in.get<uint64_t>();
    if (i < rejection_count) counters.rejected[i] = value;
  }
  return counters;
}

std::string encode_header(uint64_t next_generation) {
  return Writer(Kind::header).put(next_generation).done();
}

uint64_t decode_header(std::string_view body) {
  return Reader(body, Kind::header).get<uint64_t>();
}

}  // namespace siaga::tracking::records
