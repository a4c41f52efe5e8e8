// WGS 84 ↔ UTM with Boost.Geometry's projections (srs): the extended transverse Mercator of
// Poder and Engsager, the algorithm PROJ uses for +proj=utm, in header-only code. PROJ itself is
// no longer linked: as a shared library it maps libcurl, GnuTLS, Kerberos, LDAP and libtiff
// (~7 MiB resident in the server for one formula) and opened its database (~0.9 MB of heap per
// projection). PROJ stays the tests' oracle: both agree within nanometres (projection_test.cpp).
#include "siaga/geodata/projection.h"

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/srs/projection.hpp>
#include <cmath>
#include <string>
#include <variant>

namespace siaga::geodata {

namespace {

namespace bg = boost::geometry;
namespace spar = bg::srs::spar;
using Degrees = bg::model::point<double, 2, bg::cs::geographic<bg::degree>>;  // lon, lat
using Metres = bg::model::point<double, 2, bg::cs::cartesian>;
// The zone is given by its central meridian, which the static parameters take at run time
// (spar::zone is a compile-time constant); UTM's setup derives the same zone from it.
using NorthParameters = spar::parameters<spar::proj_utm, spar::ellps_wgs84, spar::lon_0<double>>;
using SouthParameters =
    spar::parameters<spar::proj_utm, spar::ellps_wgs84, spar::lon_0<double>, spar::south>;
using NorthZone = bg::srs::projection<NorthParameters>;
using SouthZone = bg::srs::projection<SouthParameters>;

double central_meridian(int zone) {
  return (zone - 1) * 6.0 - 180.0 + 3.0;
}

}  // namespace

struct UtmProjection::Impl {
  int epsg;
  std::variant<NorthZone, SouthZone> zone;  // const calls only: shared between threads freely

  static std::variant<NorthZone, SouthZone> zone_for(int epsg) {
    const double lon_0 = central_meridian(epsg % 100);
    if (epsg >= 32601 && epsg <= 32660)
      return NorthZone(
          NorthParameters(spar::proj_utm(), spar::ellps_wgs84(), spar::lon_0<double>(lon_0)));
    if (epsg >= 32701 && epsg <= 32760)
      return SouthZone(SouthParameters(spar::proj_utm(), spar::ellps_wgs84(),
                                       spar::lon_0<double>(lon_0), spar::south()));
    throw DataError("EPSG:" + std::to_string(epsg) +
                    " is not a WGS 84 / UTM zone (326zz north, 327zz south): the only "
                    "projections siaga uses");
  }

  explicit Impl(int epsg_code) : epsg(epsg_code), zone(zone_for(epsg_code)) {}
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
  Metres out;
  std::visit([&](const auto& zone) { zone.forward(Degrees(position.lon, position.lat), out); },
             impl_->zone);
  return {bg::get<0>(out), bg::get<1>(out)};
}

LatLon UtmProjection::inverse(Xy xy) const {
  Degrees out;
  std::visit([&](const auto& zone) { zone.inverse(Metres(xy.x, xy.y), out); }, impl_->zone);
  return {bg::get<1>(out), bg::get<0>(out)};
}

void UtmProjection::forward(std::span<const LatLon> positions, std::span<Xy> out) const {
  if (out.size() != positions.size())
    throw ContractViolation("projection: output size differs from input");
  for (size_t i = 0; i < positions.size(); ++i) out[i] = forward(positions[i]);
}

}  // namespace siaga::geodata
