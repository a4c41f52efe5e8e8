// Checks the hand-entered schematic data against the reference elevation grid in
// ../shared/data/ambon (read with GDAL; never copied into the project). Skipped without it.
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "siaga/synth/ambon_schematic_data.h"
#include "test_support.h"

namespace siaga::synth::ambon::schematic_reference_test {
namespace {

class ElevationGrid {
 public:
  explicit ElevationGrid(const std::filesystem::path& file) {
    GDALAllRegister();
    dataset_.reset(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!dataset_) return;
    dataset_->GetGeoTransform(transform_.data());
    width_ = dataset_->GetRasterXSize();
    height_ = dataset_->GetRasterYSize();
    values_.resize(static_cast<size_t>(width_) * height_);
    if (dataset_->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, width_, height_, values_.data(), width_,
                                             height_, GDT_Float32, 0, 0) != CE_None) {
      values_.clear();
    }
  }
  bool ok() const { return !values_.empty(); }
  // Elevation in metres, or nullopt outside the grid.
  std::optional<float> at(double lat, double lon) const {
    const int column = static_cast<int>((lon - transform_[0]) / transform_[1]);
    const int row = static_cast<int>((lat - transform_[3]) / transform_[5]);
    if (column < 0 || row < 0 || column >= width_ || row >= height_) return std::nullopt;
    return values_[static_cast<size_t>(row) * width_ + column];
  }

 private:
  std::unique_ptr<GDALDataset> dataset_;
  std::array<double, 6> transform_{};
  int width_ = 0, height_ = 0;
  std::vector<float> values_;
};

class AmbonReference : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto file = test::shared_data("ambon/tsunamibayes/ambon_arcGIS_final_dem.tif");
    if (!file) GTEST_SKIP() << "../shared/data/ambon is not present: reference checks skipped";
    grid_ = std::make_unique<ElevationGrid>(*file);
    ASSERT_TRUE(grid_->ok()) << "GDAL could not read " << *file;
  }
  std::unique_ptr<ElevationGrid> grid_;
};

bool on_shore(PlaceKind kind) {
  return kind == PlaceKind::port || kind == PlaceKind::bridge_head;
}

TEST_F(AmbonReference, EveryInlandPlaceIsOnLand) {
  int checked = 0;
  for (const Place& place : places()) {
    const auto elevation = grid_->at(place.position.lat, place.position.lon);
    if (!elevation || on_shore(place.kind)) continue;
    ++checked;
    EXPECT_GT(*elevation, 0.0f) << place.name << " lies in the sea on the reference grid";
  }
  EXPECT_GT(checked, 30);
}

TEST_F(AmbonReference, EveryFacilityIsOnLand) {
  for (const FacilitySpec& facility : facilities()) {
    const auto elevation = grid_->at(facility.position.lat, facility.position.lon);
    if (!elevation) continue;
    EXPECT_GT(*elevation, 0.0f) << facility.name;
  }
}

bool inside_coastline(double lat, double lon) {
  const auto coast = coastline();
  bool inside = false;
  for (size_t i = 0, j = coast.size() - 1; i < coast.size(); j = i++) {
    if ((coast[i].lat > lat) != (coast[j].lat > lat)) {
      const double at = coast[i].lon + (lat - coast[i].lat) * (coast[j].lon - coast[i].lon) /
                                           (coast[j].lat - coast[i].lat);
      if (lon < at) inside = !inside;
    }
  }
  return inside;
}

TEST_F(AmbonReference, CoastlineAgreesWithTheGrid) {
  int agree = 0, total = 0;
  for (double lat = -3.7995; lat < -3.6005; lat += 0.001) {
    for (double lon = 127.9505; lon < 128.2495; lon += 0.001) {
      const auto elevation = grid_->at(lat, lon);
      if (!elevation) continue;
      ++total;
      if ((*elevation > 0) == inside_coastline(lat, lon)) ++agree;
    }
  }
  ASSERT_GT(total, 50000);
  EXPECT_GT(static_cast<double>(agree) / total, 0.96);
}

}  // namespace
}  // namespace siaga::synth::ambon::schematic_reference_test
