#include "journal.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace siaga::tracking::journal {

namespace {

constexpr uint32_t max_record_bytes = 1 << 20;

void put_u32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint32_t get_u32(const unsigned char* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

uint32_t crc_of(std::string_view body) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
}

IoError system_error(const std::string& what, const std::filesystem::path& file) {
  return IoError(what + " " + file.string() + ": " + std::strerror(errno));
}

void fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) throw system_error("cannot open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw system_error("cannot fsync directory", dir);
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& file) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw system_error("cannot write", file);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

std::string frame(std::string_view body) {
  std::string out;
  out.reserve(body.size() + 8);
  put_u32(out, static_cast<uint32_t>(body.size()));
  put_u32(out, crc_of(body));
  out.append(body);
  return out;
}

ReadResult read_records(const std::filesystem::path& file) {
  ReadResult result;
  std::ifstream in(file, std::ios::binary);
  if (!in) return result;
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  uint64_t at = 0;
  while (at + 8 <= bytes.size()) {
    const uint32_t length = get_u32(data + at);
    const uint32_t crc = get_u32(data + at + 4);
    if (length > max_record_bytes || at + 8 + length > bytes.size()) break;
    const std::string_view body(bytes.data() + at + 8, length);
    if (crc_of(body) != crc) break;
    result.bodies.emplace_back(body);
    at += 8 + length;
  }
  result.good_bytes = at;
  result.dropped_bytes = bytes.size() - at;
  return result;
}

void write_file_atomically(const std::filesystem::path& file,
                           const std::vector<std::string>& bodies) {
  const std::filesystem::path temporary = file.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw system_error("cannot create", temporary);
  try {
    std::string buffer;
    for (const std::string& body : bodies) buffer += frame(body);
    write_all(fd, buffer, temporary);
    if (::fsync(fd) != 0) throw system_error("cannot fsync", temporary);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  std::filesystem::rename(temporary, file);
  fsync_directory(file.parent_path());
}

AppendFile::AppendFile(const std::filesystem::path& file, uint64_t keep_bytes, int sync_interval_ms)
    : path_(file) {
  fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw system_error("cannot open the journal", file);
  if (::ftruncate(fd_, static_cast<off_t>(keep_bytes)) != 0 ||
      ::lseek(fd_, static_cast<off_t>(keep_bytes), SEEK_SET) < 0) {
    const auto error = system_error("cannot cut the torn tail of", file);
    ::close(fd_);
    throw error;
  }
  size_ = keep_bytes;
  fsync_directory(file.parent_path());
  if (sync_interval_ms > 0)
    flusher_ = std::thread([this, sync_interval_ms] { flush_loop(sync_interval_ms); });
}

AppendFile::~AppendFile() {
  {
    std::lock_guard lock(flusher_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  if (dirty_) ::fdatasync(fd_);
  ::close(fd_);
}

void AppendFile::append(std::string_view body) {
  const std::string framed = frame(body);
  try {
    write_all(fd_, framed, path_);
  } catch (...) {
    // Keep the file a sequence of whole records: a later append must not follow half of one.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0)
      ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
    throw;
  }
  size_ += framed.size();
  if (!flusher_.joinable()) {
    if (::fdatasync(fd_) != 0) throw system_error("cannot fsync", path_);
    return;
  }
  dirty_ = true;
}

void AppendFile::sync() {
  if (dirty_.exchange(false) && ::fdatasync(fd_) != 0) throw system_error("cannot fsync", path_);
}

void AppendFile::flush_loop(int sync_interval_ms) {
  std::unique_lock lock(flusher_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(sync_interval_ms));
    if (dirty_.exchange(false)) ::fdatasync(fd_);
  }
}

}  // namespace siaga::tracking::journal
