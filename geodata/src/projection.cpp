#include "siaga/geodata/projection.h"

#include <proj.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>

namespace siaga::geodata {

namespace {

// WGS 84 / UTM (EPSG 326zz north, 327zz south) as the PROJ pipeline that crs_to_crs resolves it
// to, once normalised to lon,lat: the same numbers, bit for bit (tested), without opening PROJ's
// database. That database costs ~3.3 MB of heap per context, kept for the context's life, and
// every snapper, camera index and hazard overlay holds a projection. Empty for other codes.
std::string utm_pipeline(int epsg) {
  const bool north = epsg >= 32601 && epsg <= 32660;
  const bool south = epsg >= 32701 && epsg <= 32760;
  if (!north && !south) return {};
  return "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=utm +zone=" +
         std::to_string(epsg % 100) + (south ? " +south" : "") + " +ellps=WGS84";
}

}  // namespace

struct UtmProjection::Impl {
  PJ_CONTEXT* context = nullptr;
  PJ* transform = nullptr;
  std::mutex mutex;  // a PJ object must not be used by two threads at once

  int epsg;

  explicit Impl(int epsg_code) : epsg(epsg_code) {
    context = proj_context_create();
    const std::string target = "EPSG:" + std::to_string(epsg);
    if (const std::string pipeline = utm_pipeline(epsg); !pipeline.empty()) {
      transform = proj_create(context, pipeline.c_str());
      if (transform != nullptr) return;
    }
    PJ* raw = proj_create_crs_to_crs(context, "EPSG:4326", target.c_str(), nullptr);
    if (raw == nullptr) {
      const std::string reason = proj_context_errno_string(context, proj_context_errno(context));
      proj_context_destroy(context);
      throw DataError("PROJ cannot build EPSG:4326 → " + target + ": " + reason);
    }
    // Axis order lon,lat / x,y whatever the CRS definitions say.
    transform = proj_normalize_for_visualization(context, raw);
    proj_destroy(raw);
    if (transform == nullptr) {
      proj_context_destroy(context);
      throw DataError("PROJ cannot normalise the transformation to " + target);
    }
  }
  ~Impl() {
    proj_destroy(transform);
    proj_context_destroy(context);
  }
};

int utm_epsg_for(LatLon position) {
  const int zone =
      std::clamp(static_cast<int>(std::floor((position.lon + 180.0) / 6.0)) + 1, 1, 60);
  return (position.lat < 0 ? 32700 : 32600) + zone;
}

UtmProjection::UtmProjection(int epsg) : impl_(std::make_unique<Impl>(epsg)) {}
int UtmProjection::epsg() const {
  return impl_->epsg;
}
UtmProjection::~UtmProjection() = default;
UtmProjection::UtmProjection(UtmProjection&&) noexcept = default;
UtmProjection& UtmProjection::operator=(UtmProjection&&) noexcept = default;

Xy UtmProjection::forward(LatLon position) const {
  std::lock_guard lock(impl_->mutex);
  const PJ_COORD out =
      proj_trans(impl_->transform, PJ_FWD, proj_coord(position.lon, position.lat, 0, 0));
  return {out.xy.x, out.xy.y};
}

LatLon UtmProjection::inverse(Xy xy) const {
  std::lock_guard lock(impl_->mutex);
  const PJ_COORD out = proj_trans(impl_->transform, PJ_INV, proj_coord(xy.x, xy.y, 0, 0));
  return {out.lp.phi, out.lp.lam};
}

void UtmProjection::forward(std::span<const LatLon> positions, std::span<Xy> out) const {
  if (out.size() != positions.size())
    throw ContractViolation("projection: output size differs from input");
  for (size_t i = 0; i < positions.size(); ++i) out[i] = {positions[i].lon, positions[i].lat};
  std::lock_guard lock(impl_->mutex);
  // Xy is two doubles: project in place, x=lon, y=lat on the way in.
  proj_trans_generic(impl_->transform, PJ_FWD, &out.data()->x, sizeof(Xy), out.size(),
                     &out.data()->y, sizeof(Xy), out.size(), nullptr, 0, 0, nullptr, 0, 0);
}

}  // namespace siaga::geodata
