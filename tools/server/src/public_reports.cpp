#include "siaga/server/public_reports.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "request_body.h"
#include "secrets.h"
#include "siaga/geodata/snapper.h"
#include "siaga/server/replication.h"

namespace siaga::server {

namespace fs = std::filesystem;

namespace {

bool starts_with_bytes(std::string_view data, std::string_view magic) {
  return data.size() >= magic.size() && data.substr(0, magic.size()) == magic;
}

// JPEG segments up to the start of scan, without the ones that carry metadata; then the scan
// data as it is. Empty when the structure is broken.
std::string strip_jpeg(std::string_view data) {
  std::string out(data.substr(0, 2));  // SOI
  size_t at = 2;
  while (at + 4 <= data.size()) {
    if (static_cast<unsigned char>(data[at]) != 0xFF) return {};
    const auto marker = static_cast<unsigned char>(data[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    const size_t length =
        (static_cast<unsigned char>(data[at + 2]) << 8) | static_cast<unsigned char>(data[at + 3]);
    if (length < 2 || at + 2 + length > data.size()) return {};
    const bool metadata = (marker >= 0xE1 && marker <= 0xEF) || marker == 0xFE;
    if (!metadata) out.append(data.substr(at, 2 + length));
    at += 2 + length;
    if (marker == 0xDA) {  // start of scan: the image data to the end
      out.append(data.substr(at));
      return out;
    }
  }
  return {};
}

// PNG chunks without tEXt, zTXt, iTXt, tIME and eXIf. Empty when the structure is broken.
std::string strip_png(std::string_view data) {
  std::string out(data.substr(0, 8));
  size_t at = 8;
  while (at + 12 <= data.size()) {
    const size_t length = (static_cast<size_t>(static_cast<unsigned char>(data[at])) << 24) |
                          (static_cast<unsigned char>(data[at + 1]) << 16) |
                          (static_cast<unsigned char>(data[at + 2]) << 8) |
                          static_cast<unsigned char>(data[at + 3]);
    if (length > data.size() || at + 12 + length > data.size()) return {};
    const std::string_view type = data.substr(at + 4, 4);
    const bool metadata =
        type == "tEXt" || type == "zTXt" || type == "iTXt" || type == "tIME" || type == "eXIf";
    if (!metadata) out.append(data.substr(at, 12 + length));
    at += 12 + length;
    if (type == "IEND") return out;
  }
  return {};
}

// Standard base64 (a data: URL's prefix allowed), or nullopt.
std::optional<std::string> decode_base64(std::string_view text) {
  if (const size_t comma = text.find(','); text.starts_with("data:") && comma != text.npos)
    text.remove_prefix(comma + 1);
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t size = static_cast<size_t>(n);
  for (size_t pad = 0; pad < 2 && text[text.size() - 1 - pad] == '='; ++pad) --size;
  out.resize(size);
  return out;
}

std::string hex(const unsigned char* bytes, size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < size; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 15]);
  }
  return out;
}

// The key in state_dir/public-reports.key, made on first use (0600); without a state folder, a
// fresh one (the status links then last as long as the process).
std::string load_or_make_secret(const fs::path& state_dir) {
  const fs::path file = state_dir.empty() ? fs::path() : state_dir / "public-reports.key";
  if (!file.empty() && fs::exists(file)) {
    std::ifstream in(file);
    std::string secret;
    in >> secret;
    if (secret.size() >= 32) return secret;
    throw IoError("the key in " + file.string() + " is too short: delete it to make a new one");
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw IoError("no random bytes for the reports' key");
  const std::string secret = hex(bytes, sizeof bytes);
  if (!file.empty()) {
    fs::create_directories(state_dir);
    std::ofstream out(file);
    out << secret << "\n";
    if (!out.flush()) throw IoError("cannot write " + file.string());
    ::chmod(file.c_str(), 0600);
  }
  return secret;
}

// +62 812-3456-7890 → +6281234567890; nullopt when it is not a phone number.
std::optional<std::string> phone_number(const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '+' && digits.empty()))
      digits.push_back(c);
    else if (c != ' ' && c != '-' && c != '(' && c != ')')
      return std::nullopt;
  }
  const size_t count = std::count_if(digits.begin(), digits.end(), ::isdigit);
  if (count < 6 || count > 15) return std::nullopt;
  return digits;
}

// What the citizen is told, in Indonesian (the page shows it as it is).
std::pair<std::string, std::string> citizen_status(const tracking::Incident& incident) {
  if (incident.status == tracking::IncidentStatus::closed) return {"closed", "Selesai ditangani"};
  if (incident.status == tracking::IncidentStatus::cancelled) return {"cancelled", "Ditutup"};
  bool sent = false, moving = false, there = false;
  for (const tracking::UnitAssignment& unit : incident.units) {
    sent = true;
    moving |= unit.en_route_ms != 0;
    there |= unit.on_scene_ms != 0;
  }
  if (there) return {"on_scene", "Petugas sudah tiba"};
  if (moving) return {"en_route", "Petugas dalam perjalanan"};
  if (sent) return {"dispatched", "Petugas dikirim"};
  return {"received", "Laporan diterima"};
}

}  // namespace

CleanPhoto strip_photo_metadata(std::string_view data) {
  CleanPhoto photo;
  if (starts_with_bytes(data, "\xFF\xD8\xFF")) {
    photo.bytes = strip_jpeg(data);
    photo.extension = "jpg";
  } else if (starts_with_bytes(data, "\x89PNG\r\n\x1A\n")) {
    photo.bytes = strip_png(data);
    photo.extension = "png";
  } else {
    photo.error = "the photo must be a JPEG or PNG image";
    return photo;
  }
  if (photo.bytes.empty()) photo.error = "the photo is not a whole " + photo.extension + " image";
  return photo;
}

bool RateLimit::allow(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (now_ms - last_sweep_ms_ > window_ms_) {
    forget_before(now_ms - window_ms_);
    last_sweep_ms_ = now_ms;
  }
  std::deque<int64_t>& times = events_[key];
  while (!times.empty() && times.front() <= now_ms - window_ms_) times.pop_front();
  if (times.size() >= most_) return false;
  times.push_back(now_ms);
  return true;
}

void RateLimit::forget_before(int64_t oldest_ms) {
  for (auto it = events_.begin(); it != events_.end();) {
    if (it->second.empty() || it->second.back() <= oldest_ms)
      it = events_.erase(it);
    else
      ++it;
  }
}

PublicReports::PublicReports(Api& api, PublicReportOptions options)
    : api_(api),
      options_(std::move(options)),
      secret_(load_or_make_secret(options_.state_dir)),
      by_address_(options_.per_address, options_.window_ms),
      by_number_(options_.per_number, options_.window_ms) {}

std::string PublicReports::key_for(std::string_view incident_id) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(incident_id.data()), incident_id.size(), digest,
       &size);
  return hex(digest, std::min<unsigned>(size, 16));
}

PublicReportCounters PublicReports::counters() const {
  return {accepted_, rate_limited_, refused_, status_reads_};
}

std::optional<fs::path> PublicReports::photo_of(std::string_view incident_id) const {
  if (options_.state_dir.empty()) return std::nullopt;
  for (const char* extension : {".jpg", ".png"}) {
    const fs::path file = options_.state_dir / "photos" / (std::string(incident_id) + extension);
    if (fs::exists(file)) return file;
  }
  return std::nullopt;
}

Reply PublicReports::submit(std::string_view text, const std::string& address) {
  const auto refuse = [this](int status, std::string message) {
    ++refused_;
    return error_reply(status, std::move(message));
  };
  if (!api_.desk || !api_.incidents) return error_reply(503, "laporan tidak dapat diterima");
  const body::Body request = body::parse(text);
  if (request.error) return refuse(400, "the body must be a JSON object");
  const Json& json = request.json;
  const auto incident_class = body::text(json, "class", 32);
  const bool known =
      incident_class && std::any_of(api_.incident_classes.begin(), api_.incident_classes.end(),
                                    [&](const auto& c) { return c.name == *incident_class; });
  if (!known) return refuse(400, "class must be one of the incident classes (medical, fire, …)");
  const auto lat = body::finite_number(json, "lat"), lon = body::finite_number(json, "lon");
  if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180)
    return refuse(400, "lat and lon must be the phone's position");
  tracking::NewIncident incident;
  try {
    const std::string phone = body::optional_text(json, "phone", 32);
    if (!phone.empty()) {
      const auto number = phone_number(phone);
      if (!number) return refuse(400, "phone must be a telephone number");
      incident.caller = *number;
    }
    incident.note = body::optional_text(json, "note", 500);
  } catch (const InputError& error) {
    return refuse(400, error.what());
  }
  CleanPhoto photo;
  if (json.contains("photo") && !json["photo"].is_null()) {
    if (options_.state_dir.empty()) return refuse(503, "this server keeps no photos");
    const auto raw =
        json["photo"].is_string() ? decode_base64(json["photo"].get<std::string>()) : std::nullopt;
    if (!raw) return refuse(400, "photo must be base64 (or a data: URL)");
    if (raw->size() > options_.max_photo_bytes) return refuse(413, "the photo is over 2 MB");
    photo = strip_photo_metadata(*raw);
    if (!photo.error.empty()) return refuse(400, photo.error);
  }
  const int64_t now = api_.clock();
  // Both limits count every well-formed report, an accepted one or one off the island;
  // malformed ones were refused above, at no cost to anyone.
  const bool address_ok = by_address_.allow(address, now);
  const bool number_ok = incident.caller.empty() || by_number_.allow(incident.caller, now);
  if (!address_ok || !number_ok) {
    ++rate_limited_;
    return error_reply(429,
                       "terlalu banyak laporan: coba lagi dalam beberapa menit, atau "
                       "telepon 112 (too many reports: try again in a few minutes, or "
                       "call 112)");
  }
  incident.location.lat = *lat;
  incident.location.lon = *lon;
  incident.incident_class = *incident_class;
  incident.source = "app";
  incident.unverified = true;
  if (const auto accuracy = body::finite_number(json, "accuracy_m"))
    incident.note =
        "[GPS ±" + std::to_string(static_cast<int>(std::round(*accuracy))) + " m] " + incident.note;
  if (const auto refusal = api_.replication ? api_.replication->write_refusal() : std::nullopt)
    return error_reply(503, "coba lagi sebentar / try again in a moment: " + *refusal);
  tracking::Incident created;
  try {
    created = api_.desk->create(incident, "app", options_.max_off_road_m).incident;
    if (api_.replication) api_.replication->wait_replicated();
  } catch (const geodata::SnapError& error) {
    return refuse(422,
                  "lokasi Anda tidak berada di Pulau Ambon (your position is not on Pulau "
                  "Ambon's roads): " +
                      std::string(error.what()));
  } catch (const tracking::IncidentStorageError& error) {
    return error_reply(503, std::string("not stored: ") + error.what());
  }
  ++accepted_;
  bool photo_kept = false;
  if (!photo.bytes.empty()) {
    const fs::path dir = options_.state_dir / "photos";
    std::error_code ignored;
    fs::create_directories(dir, ignored);
    std::ofstream out(dir / (created.id + "." + photo.extension), std::ios::binary);
    photo_kept = static_cast<bool>(
        out.write(photo.bytes.data(), static_cast<std::streamsize>(photo.bytes.size())));
    out.close();
    try {
      api_.incidents->add_note(created.id, "app",
                               photo_kept ? "photo attached (its metadata removed)"
                                          : "a photo was sent but could not be kept",
                               api_.clock());
    } catch (const Error&) {
      // The report stands without the note; the photo's link shows whether it was kept.
    }
  }
  const std::string key = key_for(created.id);
  return {201,
          {{"id", created.id},
           {"key", key},
           {"status_url", "/v1/reports/public/" + created.id + "?key=" + key},
           {"status", "received"},
           {"status_text", "Laporan diterima"},
           {"photo_kept", photo_kept}}};
}

Reply PublicReports::status(std::string_view incident_id, std::string_view key) {
  ++status_reads_;
  // The same answer for an unknown report and a wrong key: a guess learns nothing.
  const auto not_found = [] {
    return error_reply(404, "laporan tidak ditemukan (no such report)");
  };
  if (!api_.incidents || !same_secret(key, key_for(incident_id))) return not_found();
  const auto incident = api_.incidents->get(incident_id);
  if (!incident || incident->source != "app") return not_found();
  const auto [status, text] = citizen_status(*incident);
  Json units = Json::array();
  for (const tracking::UnitAssignment& unit : incident->units) {
    if (unit.cleared()) continue;
    const auto state = api_.store.unit(unit.unit_id, api_.clock());
    Json item = {{"type", state ? state->unit.type : ""}, {"eta_s", nullptr}};
    if (const auto eta = api_.desk ? api_.desk->eta(unit.unit_id) : std::nullopt;
        eta && eta->reachable && unit.on_scene_ms == 0)
      item["eta_s"] = std::round(eta->remaining_ms / 1000.0);
    units.push_back(item);
  }
  return {200,
          {{"id", incident->id},
           {"status", status},
           {"status_text", text},
           {"units", units},
           {"created_ms", incident->created_ms}}};
}

PhotoReply incident_photo(const PublicReports* reports, std::string_view incident_id) {
  PhotoReply reply;
  const auto file = reports ? reports->photo_of(incident_id) : std::nullopt;
  if (!file) return reply;
  std::ifstream in(*file, std::ios::binary);
  reply.bytes.assign(std::istreambuf_iterator<char>(in), {});
  reply.status = 200;
  reply.content_type = file->extension() == ".png" ? "image/png" : "image/jpeg";
  return reply;
}

}  // namespace siaga::server
