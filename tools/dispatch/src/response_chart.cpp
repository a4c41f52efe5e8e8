// The response-time report's chart: one panel per target, the distribution of its interval in
// half-minute bars (green within the target, red beyond), the target as a line, the 90th
// percentile marked, and the share within written above.
#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "siaga/dispatch/response_times.h"

namespace siaga::dispatch {

namespace {

constexpr int width = 1200;
constexpr int panel_height = 220;
constexpr double left = 70, right = 40, top = 50, bottom = 45;

void text(cairo_t* cr, double x, double y, const std::string& words, double size = 14) {
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, words.c_str());
}

std::string minutes(double seconds) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f min", seconds / 60);
  return out;
}

void draw_panel(cairo_t* cr, double y0, const TargetResult& result,
                const std::vector<double>& samples) {
  const double limit = result.target.seconds;
  const double span_s = std::max({2 * limit, result.stats.p90_s * 1.1, 60.0});
  const double bin_s = span_s <= 1800 ? 30 : 60;
  const size_t bins = static_cast<size_t>(std::ceil(span_s / bin_s));
  std::vector<size_t> count(bins + 1, 0);  // the last bar holds everything beyond the span
  for (double s : samples) ++count[std::min(bins, static_cast<size_t>(s / bin_s))];
  const size_t tallest = std::max<size_t>(1, *std::max_element(count.begin(), count.end()));
  const double plot_w = width - left - right, plot_h = panel_height - top - bottom;
  const double bar_w = plot_w / static_cast<double>(bins + 1);
  const double base = y0 + top + plot_h;

  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  char title[256];
  std::snprintf(title, sizeof title, "%s, %s: %zu of %zu within %s (%s)",
                result.target.incident_class.c_str(),
                std::string(interval_name(result.target.interval)).c_str(), result.within,
                result.count, minutes(limit).c_str(),
                result.count ? (std::to_string(100 * result.within / result.count) + " %").c_str()
                             : "no calls");
  text(cr, left, y0 + 28, title, 16);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (size_t b = 0; b <= bins; ++b) {
    const double within = (b + 1) * bin_s <= limit;
    cairo_set_source_rgb(cr, within ? 0.10 : 0.84, within ? 0.60 : 0.19, within ? 0.31 : 0.15);
    const double h = plot_h * static_cast<double>(count[b]) / static_cast<double>(tallest);
    cairo_rectangle(cr, left + b * bar_w + 1, base - h, bar_w - 2, h);
    cairo_fill(cr);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, left, base);
  cairo_line_to(cr, left + plot_w, base);
  cairo_stroke(cr);
  const auto x_of = [&](double seconds) {
    return left + std::min(seconds, span_s) / bin_s * bar_w;
  };
  for (double tick = 0; tick <= span_s; tick += span_s <= 1800 ? 120 : 300)
    text(cr, x_of(tick) - 8, base + 18, std::to_string(static_cast<int>(tick / 60)), 11);
  text(cr, left + plot_w - 60, base + 36, "minutes", 11);
  cairo_set_source_rgb(cr, 0.1, 0.2, 0.8);  // the target
  cairo_set_line_width(cr, 3);
  cairo_move_to(cr, x_of(limit), y0 + top - 6);
  cairo_line_to(cr, x_of(limit), base);
  cairo_stroke(cr);
  text(cr, x_of(limit) + 5, y0 + top + 6, "target " + minutes(limit), 12);
  if (result.count) {
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_dash(cr, std::array{6.0, 4.0}.data(), 2, 0);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, x_of(result.stats.p90_s), y0 + top + 12);
    cairo_line_to(cr, x_of(result.stats.p90_s), base);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
    text(cr, x_of(result.stats.p90_s) + 5, y0 + top + 24,
         "90th percentile " + minutes(result.stats.p90_s), 12);
  }
}

}  // namespace

void write_report_png(const std::filesystem::path& file, const ResponseReport& report) {
  const int height = std::max<int>(1, static_cast<int>(report.targets.size())) * panel_height + 40;
  const std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height), cairo_surface_destroy);
  const std::unique_ptr<cairo_t, decltype(&cairo_destroy)> context(cairo_create(surface.get()),
                                                                   cairo_destroy);
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  text(cr, left, 26,
       "Siaga response times: " + std::to_string(report.calls) + " calls, each against its target",
       18);
  for (size_t t = 0; t < report.targets.size(); ++t)
    draw_panel(cr, 40 + static_cast<double>(t) * panel_height, report.targets[t],
               report.target_samples[t]);
  if (cairo_surface_write_to_png(surface.get(), file.c_str()) != CAIRO_STATUS_SUCCESS)
    throw IoError("cannot write " + file.string());
}

}  // namespace siaga::dispatch
