#include "siaga/dispatch/coverage_map.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

namespace siaga::dispatch {

namespace {

struct Colour {
  double r, g, b;
};

// Minutes bands as fractions of the target: well inside, inside, just over, far over, never.
constexpr Colour band_colours[] = {{0.10, 0.60, 0.31},
                                   {0.57, 0.81, 0.38},
                                   {0.99, 0.68, 0.38},
                                   {0.84, 0.19, 0.15},
                                   {0.45, 0.45, 0.45}};

size_t band_of(uint32_t arrival_ms, double target_minutes) {
  if (arrival_ms == routing::unreachable) return 4;
  const double fraction = arrival_ms / 60000.0 / target_minutes;
  return fraction <= 0.5 ? 0 : fraction <= 1 ? 1 : fraction <= 2 ? 2 : 3;
}

// Equirectangular projection of the network's bounding box onto the drawing, north up, with the
// longitude scaled by cos(latitude) so that distances look right near the equator and beyond.
struct Frame {
  double min_lon, max_lat, scale, margin;
  double x(double lon) const { return margin + (lon - min_lon) * scale * cos_lat; }
  double y(double lat) const { return margin + (max_lat - lat) * scale; }
  double cos_lat;
};

Frame frame_of(const geodata::RoadNetwork& network, MapSize size) {
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  for (const geodata::LatLon& p : network.node_position) {
    min_lat = std::min(min_lat, p.lat), max_lat = std::max(max_lat, p.lat);
    min_lon = std::min(min_lon, p.lon), max_lon = std::max(max_lon, p.lon);
  }
  const double cos_lat = std::cos((min_lat + max_lat) / 2 * M_PI / 180);
  const double margin = 40, legend = 300;
  const double scale =
      std::min((size.width - 2 * margin - legend) / ((max_lon - min_lon) * cos_lat),
               (size.height - 2 * margin) / (max_lat - min_lat));
  return {min_lon, max_lat, scale, margin, cos_lat};
}

void set(cairo_t* cr, Colour c, double alpha = 1) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void draw_hazards(cairo_t* cr, const Frame& f, const RoutingSetup& setup) {
  const auto set_active = setup.live->current();
  for (uint32_t z = 0; z < set_active->active.size(); ++z) {
    if (!set_active->active[z]) continue;
    for (const geodata::PolygonRings& polygon : setup.live->hazards().zones[z].polygons) {
      for (size_t i = 0; i < polygon.outer.size(); ++i) {
        const auto& p = polygon.outer[i];
        (i == 0 ? cairo_move_to : cairo_line_to)(cr, f.x(p.lon), f.y(p.lat));
      }
      cairo_close_path(cr);
    }
  }
  cairo_set_source_rgba(cr, 0.2, 0.4, 0.9, 0.35);
  cairo_fill_preserve(cr);
  cairo_set_source_rgba(cr, 0.1, 0.2, 0.7, 0.9);
  cairo_set_line_width(cr, 1.5);
  cairo_stroke(cr);
}

void draw_streets(cairo_t* cr, const Frame& f, const RoutingSetup& setup, const Coverage& coverage,
                  const TargetCoverage& target) {
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  for (size_t band = 5; band-- > 0;) {  // the best-served drawn last, on top
    for (size_t s = 0; s < coverage.segments.size(); ++s) {
      if (band_of(target.arrival_ms[s], target.target.minutes) != band) continue;
      const routing::Segment& segment = coverage.segments[s];
      const auto a = setup.network.node_position[segment.tail];
      const auto b = setup.network.node_position[segment.head];
      cairo_move_to(cr, f.x(a.lon), f.y(a.lat));
      cairo_line_to(cr, f.x(b.lon), f.y(b.lat));
    }
    set(cr, band_colours[band]);
    cairo_set_line_width(cr, 1.6);
    cairo_stroke(cr);
  }
}

void draw_stations(cairo_t* cr, const Frame& f, const Scenario& scenario,
                   const TargetCoverage& target) {
  for (const Station& station : scenario.stations) {
    if (std::find(station.unit_types.begin(), station.unit_types.end(), target.target.unit_type) ==
        station.unit_types.end())
      continue;
    const double x = f.x(station.position.lon), y = f.y(station.position.lat);
    cairo_rectangle(cr, x - 6, y - 6, 12, 12);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
  }
}

void text(cairo_t* cr, double x, double y, const std::string& line, double size = 15) {
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, line.c_str());
}

std::string minutes_text(double minutes) {
  const double rounded = std::round(minutes * 10) / 10;
  std::string out = std::to_string(rounded);
  out.erase(out.find_last_not_of('0') + 1);
  if (out.back() == '.') out.pop_back();
  return out;
}

void draw_legend(cairo_t* cr, MapSize size, const RoutingSetup& setup, const Scenario& scenario,
                 const Coverage& coverage, const TargetCoverage& target) {
  const double x = size.width - 290, m = target.target.minutes;
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, x, 50, "Siaga coverage", 20);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  text(cr, x, 76, "scenario: " + scenario.name);
  text(cr, x, 98,
       target.target.name + ": " + target.target.unit_type + " within " + minutes_text(m) + " min");
  const double share =
      coverage.total_demand_km > 0 ? 100 * target.covered_km / coverage.total_demand_km : 0;
  text(cr, x, 120, "demand covered: " + minutes_text(share) + " %");
  const std::string labels[] = {"0 - " + minutes_text(m / 2) + " min",
                                minutes_text(m / 2) + " - " + minutes_text(m) + " min",
                                minutes_text(m) + " - " + minutes_text(2 * m) + " min",
                                "over " + minutes_text(2 * m) + " min", "no road open"};
  for (size_t band = 0; band < 5; ++band) {
    const double y = 145 + 26 * band;
    set(cr, band_colours[band]);
    cairo_rectangle(cr, x, y, 30, 14);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, x + 40, y + 12, labels[band]);
  }
  const double y = 145 + 26 * 5;
  cairo_rectangle(cr, x + 9, y + 1, 12, 12);
  cairo_stroke(cr);
  text(cr, x + 40, y + 12, "station (" + std::to_string(target.stations) + ")");
  cairo_set_source_rgba(cr, 0.2, 0.4, 0.9, 0.5);
  cairo_rectangle(cr, x, y + 26, 30, 14);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, x + 40, y + 38, "active hazard zone");
  if (setup.network.schematic) {
    cairo_set_source_rgb(cr, 0.75, 0.2, 0.1);
    text(cr, x, size.height - 70, "SCHEMATIC road network,", 14);
    text(cr, x, size.height - 52, "not real roads", 14);
  } else {
    text(cr, x, size.height - 52, "Roads: OpenStreetMap (ODbL)", 13);
  }
}

void draw_scale(cairo_t* cr, const Frame& f, MapSize size) {
  // 5 km: metres per degree of latitude ~111,320.
  const double pixels = 5000 / 111320.0 * f.scale;
  const double x = f.margin, y = size.height - 25;
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 3);
  cairo_move_to(cr, x, y);
  cairo_line_to(cr, x + pixels, y);
  cairo_stroke(cr);
  text(cr, x + pixels + 8, y + 5, "5 km");
}

}  // namespace

void write_coverage_png(const std::filesystem::path& file, const RoutingSetup& setup,
                        const Scenario& scenario, const Coverage& coverage, size_t target_index,
                        MapSize size) {
  const TargetCoverage& target = coverage.targets.at(target_index);
  const std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, size.width, size.height),
      cairo_surface_destroy);
  const std::unique_ptr<cairo_t, decltype(&cairo_destroy)> context(cairo_create(surface.get()),
                                                                   cairo_destroy);
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 0.87, 0.93, 0.96);  // the sea
  cairo_paint(cr);
  const Frame frame = frame_of(setup.network, size);
  draw_hazards(cr, frame, setup);
  draw_streets(cr, frame, setup, coverage, target);
  draw_stations(cr, frame, scenario, target);
  draw_legend(cr, size, setup, scenario, coverage, target);
  draw_scale(cr, frame, size);
  if (cairo_surface_write_to_png(surface.get(), file.c_str()) != CAIRO_STATUS_SUCCESS) {
    throw IoError("cannot write " + file.string());
  }
}

}  // namespace siaga::dispatch
