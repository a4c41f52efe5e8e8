// The incident stream of a planner's simulation (tools/dispatch/incident-stream-ambon.json, with
// its sources): how often real reports come, their classes and kecamatan, how long units stay on
// scene and how many patients go to hospital, and a flood-day variant. And the calls drawn from
// it: places weighted by the coverage scenario's demand inside each kecamatan.
#pragma once

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "siaga/dispatch/coverage.h"
#include "siaga/dispatch/scenario.h"

namespace siaga::dispatch {

// A stream file that cannot be used: names the file, the field and the problem.
struct StreamError : DataError {
  using DataError::DataError;
};

struct StreamSubtype {
  std::string subtype;  // a response plan's subtype
  double share = 0;     // of the class's calls
};

struct StreamClass {
  std::string incident_class;
  double share = 0;
  double on_scene_minutes = 0;  // mean
  double transport_share = 0;   // calls whose patient an ambulance takes to hospital
  double hospital_minutes = 0;  // mean handover at the hospital
  std::vector<StreamSubtype> subtypes;
};

struct StreamArea {
  std::string kecamatan;
  double share = 0;
};

struct FloodDay {
  std::filesystem::path scenario_file;  // its active zones close or slow roads
  double rate_multiplier = 1;
  double start_hour = 0;  // WIT, on the first simulated day
  double hours = 0;
};

struct IncidentStream {
  std::string name;
  std::filesystem::path file;
  std::filesystem::path coverage_scenario;  // stations, hazards, targets, demand, areas
  double reports_per_day = 0;
  double prank_calls_per_report = 0;
  double processing_seconds = 0;                  // call answered → first unit sent (mean)
  std::map<std::string, double> turnout_seconds;  // per unit type (mean)
  std::vector<StreamClass> classes;
  std::vector<StreamArea> areas;
  FloodDay flood_day;
};

// Throws StreamError naming the field (a rate ≤ 0, an unknown class, shares not summing to 1, …),
// IoError when the file cannot be read. Paths are relative to the file's folder.
IncidentStream load_incident_stream(const std::filesystem::path& file);
IncidentStream parse_incident_stream(const std::string& json_text,
                                     const std::filesystem::path& file);
std::filesystem::path default_incident_stream_file();

// Where calls happen: per kecamatan of the stream, its streets weighted by demand. Throws
// StreamError for a kecamatan the coverage's areas do not have.
struct CallPlaces {
  std::vector<std::string> kecamatan;              // the stream's, in its order
  std::vector<std::vector<uint32_t>> segments;     // per kecamatan: segments with demand
  std::vector<std::vector<double>> cumulative_km;  // per kecamatan: running demand
};
CallPlaces call_places(const IncidentStream& stream, const Coverage& coverage);

// One drawn report before anybody is sent.
struct DrawnCall {
  int64_t time_ms = 0;
  size_t area = 0;  // index into the stream's areas
  uint32_t segment = 0;
  const StreamClass* incident_class = nullptr;
  std::string subtype;
};

// A gamma-distributed duration around `mean` (shape 4: most within half to twice the mean).
double draw_duration(double mean, std::mt19937_64& random);

// A call of the stream at `time_ms` in area `area` (or drawn by share when area is npos).
DrawnCall draw_call(const IncidentStream& stream, const CallPlaces& places, int64_t time_ms,
                    size_t area, std::mt19937_64& random);

}  // namespace siaga::dispatch
