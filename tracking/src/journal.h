// The journal's file format and files. A record is [u32 body length][u32 CRC-32 of body][body],
// little-endian; a torn or corrupt tail (a crash mid-write) ends the readable part and is cut
// off. State lives in `snapshot` (records, written to a temporary file, fsync'd and renamed)
// plus `journal.<generation>`, the records appended since that snapshot: a snapshot names the
// generation of the journal that follows it, so no record is ever applied twice.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "siaga/error.h"

namespace siaga::tracking::journal {

struct ReadResult {
  std::vector<std::string> bodies;
  uint64_t good_bytes = 0;     // length of the readable prefix
  uint64_t dropped_bytes = 0;  // what followed it
};

// Reads every whole, intact record; a missing file reads as empty.
ReadResult read_records(const std::filesystem::path& file);

// Writes the records to `file` atomically and durably (temporary file, fsync, rename, fsync dir).
void write_file_atomically(const std::filesystem::path& file,
                           const std::vector<std::string>& bodies);

std::string frame(std::string_view body);

// An append-only file with group commit: append() is a write(2) (survives a process crash);
// a flusher thread fdatasyncs within `sync_interval_ms` (survives power loss after that).
class AppendFile {
 public:
  // Opens (creating) the file and cuts it to `keep_bytes` (the readable prefix).
  AppendFile(const std::filesystem::path& file, uint64_t keep_bytes, int sync_interval_ms);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Throws IoError (with errno's text) when the record could not be written whole;
  // a partial write is cut off again so that the file stays a sequence of whole records.
  void append(std::string_view body);
  void sync();
  const std::filesystem::path& path() const { return path_; }

 private:
  void flush_loop(int sync_interval_ms);

  std::filesystem::path path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  std::atomic<bool> dirty_{false};
  std::mutex flusher_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace siaga::tracking::journal
