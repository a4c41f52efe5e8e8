#include "siaga/dispatch/graph_export.h"

#include "siaga/geodata/vector_output.h"

namespace siaga::dispatch {

using geodata::FieldSpec;
using geodata::VectorOutput;

void export_graph(const RoutingSetup& setup, const std::filesystem::path& out) {
  const std::string extension = out.extension().string();
  const char* driver_name = extension == ".gpkg"      ? "GPKG"
                            : extension == ".geojson" ? "GeoJSON"
                                                      : nullptr;
  if (driver_name == nullptr) throw InputError("--out must end in .gpkg or .geojson");
  const auto& profiles = setup.live->profiles();
  std::vector<FieldSpec> fields = {
      {"edge", OFTInteger},       {"from_node", OFTInteger}, {"to_node", OFTInteger},
      {"from_osm", OFTInteger64}, {"to_osm", OFTInteger64},  {"way_osm", OFTInteger64},
      {"name", OFTString},        {"class", OFTString},      {"length_m", OFTReal},
      {"hazards", OFTString},     {"dataset", OFTString}};
  for (const auto& profile : profiles) fields.emplace_back("time_s_" + profile.name, OFTReal);
  VectorOutput output(out, driver_name, "edges", wkbLineString, fields);
  const geodata::RoadNetwork& network = setup.network;
  const auto set = setup.live->current();
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  // The map's arcs: a turn restriction's copies drive the same streets (see geodata/README.md).
  for (uint32_t arc = 0; arc < network.map_arc_count(); ++arc) {
    OGRFeature feature(output.definition());
    const uint32_t tail = tails[arc], head = network.map_node(network.arc_head[arc]);
    feature.SetField("edge", static_cast<int>(arc));
    feature.SetField("from_node", static_cast<int>(tail));
    feature.SetField("to_node", static_cast<int>(head));
    feature.SetField("from_osm", static_cast<GIntBig>(network.node_osm_id[tail]));
    feature.SetField("to_osm", static_cast<GIntBig>(network.node_osm_id[head]));
    feature.SetField("way_osm", static_cast<GIntBig>(network.way_osm_id[network.arc_way[arc]]));
    feature.SetField("name", network.way_name[network.arc_way[arc]].c_str());
    feature.SetField("class",
                     std::string(geodata::road_class_name(network.arc_class[arc])).c_str());
    feature.SetField("length_m", network.arc_length_m[arc]);
    feature.SetField("dataset", network.dataset.c_str());
    std::string zones;
    for (const auto& hazard : setup.live->hazards().hazards_of(arc)) {
      if (!set->active[hazard.zone]) continue;
      zones += (zones.empty() ? "" : ",") + setup.live->hazards().zones[hazard.zone].id;
    }
    feature.SetField("hazards", zones.c_str());
    for (size_t p = 0; p < profiles.size(); ++p) {
      const uint32_t weight = set->metrics[p].arc_weight[arc];
      const std::string field = "time_s_" + profiles[p].name;
      if (weight == routing::blocked) {
        feature.SetFieldNull(feature.GetFieldIndex(field.c_str()));  // closed
      } else {
        feature.SetField(field.c_str(), weight / 1000.0);
      }
    }
    OGRLineString line;
    line.addPoint(network.node_position[tail].lon, network.node_position[tail].lat);
    line.addPoint(network.node_position[head].lon, network.node_position[head].lat);
    feature.SetGeometry(&line);
    output.add(feature, "edge " + std::to_string(arc));
  }
  output.commit();
}

}  // namespace siaga::dispatch
