// The citizens' panic button: photos lose their metadata and still decode to the same pixels
// (GDAL's JPEG and PNG drivers are the oracle), the rate limit against a second count kept in the
// test, and reports from creation to the citizen's view of the status, with every refusal.
#include "siaga/server/public_reports.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>

#include <random>

#include "served_fixture.h"
#include "siaga/dispatch/response_plans.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/server/public_server.h"

namespace siaga::server::public_reports_test {
namespace {

namespace fs = std::filesystem;

// A small image written by GDAL's driver ("JPEG" or "PNG"), as the file's bytes.
std::string encoded_image(const char* driver_name, int seed) {
  GDALAllRegister();
  GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDataset* image = memory->Create("", 24, 16, 1, GDT_Byte, nullptr);
  std::vector<uint8_t> pixels(24 * 16);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>((i * seed) % 251);
  EXPECT_EQ(image->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 24, 16, pixels.data(), 24, 16,
                                              GDT_Byte, 0, 0),
            CE_None);
  const std::string path = std::string("/vsimem/siaga-photo-") + driver_name;
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name);
  GDALClose(driver->CreateCopy(path.c_str(), image, false, nullptr, nullptr, nullptr));
  GDALClose(image);
  vsi_l_offset size = 0;
  GByte* bytes = VSIGetMemFileBuffer(path.c_str(), &size, false);
  std::string out(reinterpret_cast<const char*>(bytes), size);
  VSIUnlink(path.c_str());
  return out;
}

// The decoded pixels of an encoded image, as GDAL reads them; empty when it cannot.
std::vector<uint8_t> decoded(const std::string& bytes) {
  const std::string path = "/vsimem/siaga-decoded";
  VSIFCloseL(VSIFileFromMemBuffer(path.c_str(),
                                  reinterpret_cast<GByte*>(const_cast<char*>(bytes.data())),
                                  bytes.size(), false));
  std::vector<uint8_t> pixels;
  if (GDALDataset* image = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER)) {
    pixels.resize(static_cast<size_t>(image->GetRasterXSize()) * image->GetRasterYSize());
    if (image->GetRasterBand(1)->RasterIO(
            GF_Read, 0, 0, image->GetRasterXSize(), image->GetRasterYSize(), pixels.data(),
            image->GetRasterXSize(), image->GetRasterYSize(), GDT_Byte, 0, 0) != CE_None)
      pixels.clear();
    GDALClose(image);
  }
  VSIUnlink(path.c_str());
  return pixels;
}

std::string big_endian(size_t value, int bytes) {
  std::string out;
  for (int b = bytes - 1; b >= 0; --b) out.push_back(static_cast<char>((value >> (8 * b)) & 0xff));
  return out;
}

// A JPEG segment (marker, length, payload).
std::string segment(unsigned char marker, const std::string& payload) {
  return std::string("\xFF") + static_cast<char>(marker) + big_endian(payload.size() + 2, 2) +
         payload;
}

// A PNG chunk; the CRC is not checked by the stripper, and GDAL's reader is told below.
std::string chunk(const std::string& type, const std::string& data) {
  return big_endian(data.size(), 4) + type + data + std::string(4, '\0');
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

const std::string secret_place = "GPS -3.6960 128.1830 Samsung SM-A125F serial 1234";

TEST(PublicPhotos, AJpegLosesItsExifAndCommentsAndDecodesToTheSamePixels) {
  const std::string jpeg = encoded_image("JPEG", 7);
  ASSERT_GT(jpeg.size(), 100u);
  // Metadata as a phone writes it, after the start of image.
  const std::string tagged = jpeg.substr(0, 2) + segment(0xE1, "Exif\0\0" + secret_place) +
                             segment(0xFE, secret_place) + segment(0xED, secret_place) +
                             jpeg.substr(2);
  ASSERT_NE(tagged.find(secret_place), std::string::npos);
  const CleanPhoto clean = strip_photo_metadata(tagged);
  ASSERT_TRUE(clean.error.empty()) << clean.error;
  EXPECT_EQ(clean.extension, "jpg");
  EXPECT_EQ(clean.bytes.find(secret_place), std::string::npos);
  EXPECT_EQ(clean.bytes.find("Exif"), std::string::npos);
  const auto pixels = decoded(clean.bytes);
  ASSERT_FALSE(pixels.empty()) << "the stripped JPEG no longer decodes";
  EXPECT_EQ(pixels, decoded(jpeg));
}

TEST(PublicPhotos, APngLosesItsTextChunksAndDecodesToTheSamePixels) {
  const std::string png = encoded_image("PNG", 3);
  const size_t after_header = 8 + 12 + 13;  // signature, IHDR
  const std::string tagged = png.substr(0, after_header) +
                             chunk("tEXt", "Comment\0" + secret_place) +
                             chunk("eXIf", secret_place) + png.substr(after_header);
  const CleanPhoto clean = strip_photo_metadata(tagged);
  ASSERT_TRUE(clean.error.empty()) << clean.error;
  EXPECT_EQ(clean.extension, "png");
  EXPECT_EQ(clean.bytes.find(secret_place), std::string::npos);
  EXPECT_EQ(clean.bytes, png);  // exactly the chunks GDAL wrote
}

TEST(PublicPhotos, AnythingElseOrBrokenIsRefusedAndNothingCrashes) {
  EXPECT_FALSE(strip_photo_metadata("GIF89a....").error.empty());
  EXPECT_FALSE(strip_photo_metadata("").error.empty());
  const std::string jpeg = encoded_image("JPEG", 5);
  EXPECT_FALSE(strip_photo_metadata(jpeg.substr(0, 40)).error.empty()) << "cut before the scan";
  const std::string png = encoded_image("PNG", 5);
  EXPECT_FALSE(strip_photo_metadata(png.substr(0, png.size() - 20)).error.empty());
  // Random damage: a clear answer every time (the sanitizer run checks the reads).
  std::mt19937 random(112);
  for (int i = 0; i < test::scaled(2000); ++i) {
    std::string damaged = i % 2 ? jpeg : png;
    for (int k = 0; k < 4; ++k)
      damaged[random() % damaged.size()] = static_cast<char>(random() % 256);
    damaged.resize(random() % (damaged.size() + 1));
    const CleanPhoto clean = strip_photo_metadata(damaged);
    EXPECT_TRUE(clean.error.empty() != clean.bytes.empty());
  }
}

TEST(PublicReportsLimit, AllowsAsManyAsASecondCountInTheTestDoes) {
  RateLimit limit(3, 60'000);
  std::map<std::string, std::vector<int64_t>> allowed;  // the oracle: every allowed time
  std::mt19937 random(9);
  int64_t now = 1'000'000;
  for (int i = 0; i < 5000; ++i) {
    now += random() % 15'000;
    const std::string key = "10.0.0." + std::to_string(random() % 5);
    auto& times = allowed[key];
    const auto recent =
        std::count_if(times.begin(), times.end(), [&](int64_t t) { return t > now - 60'000; });
    const bool expected = recent < 3;
    ASSERT_EQ(limit.allow(key, now), expected) << "event " << i;
    if (expected) times.push_back(now);
  }
}

// The reports over their own HTTPS listener, the engine of Served with incidents in memory.
struct PublicServed : Served {
  std::vector<dispatch::ResponsePlan> plans = dispatch::load_response_plans(
      dispatch::default_response_plans_file(), classes, live.profiles());
  tracking::IncidentStore incidents{{}};
  dispatch::DispatchContext context{network, snapper, live, classes};
  dispatch::IncidentDesk desk{context, store, incidents, queries, plans, {}};
  fs::path state = fs::temp_directory_path() / ("siaga-public-" + std::to_string(::getpid()));
  std::unique_ptr<PublicReports> reports;
  std::unique_ptr<PublicServer> listener;
  std::unique_ptr<httplib::SSLClient> phone;

  PublicServed() {
    fs::remove_all(state);
    api.incidents = &incidents;
    api.desk = &desk;
    PublicReportOptions options;
    options.state_dir = state;
    reports = std::make_unique<PublicReports>(api, options);
    api.public_reports = reports.get();
    const BrokerCertificate tls = write_broker_certificate(state / "tls", "127.0.0.1");
    PublicListenOptions listen;
    listen.port = 0;
    listen.certificate = tls.certificate;
    listen.key = tls.key;
    listen.page_dir = test::source_dir / "tools/server/darurat";
    listener = std::make_unique<PublicServer>(*reports, listen);
    listener->start();
    phone = std::make_unique<httplib::SSLClient>("127.0.0.1", listener->port());
    phone->enable_server_certificate_verification(false);
  }
  ~PublicServed() {
    listener->stop();
    fs::remove_all(state);
  }

  std::pair<int, Json> report(const Json& body) {
    const auto result = phone->Post("/v1/reports/public", body.dump(), "application/json");
    EXPECT_TRUE(result);
    if (!result) return {0, {}};
    return {result->status, Json::parse(result->body, nullptr, false)};
  }
  std::pair<int, Json> status_of(const std::string& url) {
    const auto result = phone->Get(url);
    EXPECT_TRUE(result);
    if (!result) return {0, {}};
    return {result->status, Json::parse(result->body, nullptr, false)};
  }
};

TEST(PublicReports, AReportBecomesAnUnverifiedIncidentAndTheCitizenFollowsIt) {
  PublicServed served;
  const std::string jpeg = encoded_image("JPEG", 11);
  const std::string tagged =
      jpeg.substr(0, 2) + segment(0xE1, "Exif\0\0" + secret_place) + jpeg.substr(2);
  const std::string photo = "data:image/jpeg;base64," + base64(tagged);
  const auto [status, answer] = served.report({{"class", "fire"},
                                               {"lat", -3.6960},
                                               {"lon", 128.1830},
                                               {"accuracy_m", 12},
                                               {"phone", "+62 812-3456-7890"},
                                               {"note", "asap dari rumah"},
                                               {"photo", photo}});
  ASSERT_EQ(status, 201) << answer.dump();
  const std::string id = answer["id"];
  const auto incident = served.incidents.get(id);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->source, "app");
  EXPECT_TRUE(incident->unverified);
  EXPECT_EQ(incident->incident_class, "fire");
  EXPECT_EQ(incident->caller, "+6281234567890");
  const auto said = [&](const std::string& text) {
    return std::any_of(incident->events.begin(), incident->events.end(), [&](const auto& event) {
      return event.text.find(text) != std::string::npos;
    });
  };
  EXPECT_TRUE(said("asap dari rumah"));
  EXPECT_TRUE(said("[GPS ±12 m]"));
  EXPECT_TRUE(said("photo attached"));
  EXPECT_TRUE(answer["photo_kept"].get<bool>());

  // The control room sees the photo, without the phone's metadata.
  const auto [got, kept] = served.get("/v1/incidents/" + id);
  ASSERT_EQ(got, 200);
  ASSERT_TRUE(kept["photo_url"].is_string());
  const auto kept_photo = served.client->Get(kept["photo_url"].get<std::string>());
  ASSERT_TRUE(kept_photo);
  EXPECT_EQ(kept_photo->status, 200);
  EXPECT_EQ(kept_photo->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(kept_photo->body.find(secret_place), std::string::npos);
  EXPECT_EQ(decoded(kept_photo->body), decoded(jpeg));

  // The citizen's view: received; a wrong key or another report's key learns nothing.
  const std::string url = answer["status_url"];
  auto [read, view] = served.status_of(url);
  ASSERT_EQ(read, 200) << view.dump();
  EXPECT_EQ(view["status"], "received");
  EXPECT_FALSE(view.contains("caller"));
  EXPECT_EQ(served.status_of("/v1/reports/public/" + id + "?key=0000").first, 404);
  EXPECT_EQ(served.status_of("/v1/reports/public/" + id).first, 404);
  const auto [other_status, other] =
      served.report({{"class", "medical"}, {"lat", -3.6850}, {"lon", 128.1930}});
  ASSERT_EQ(other_status, 201);
  EXPECT_EQ(served.status_of("/v1/reports/public/" + id + "?key=" + other["key"].get<std::string>())
                .first,
            404);

  // A unit sent: the citizen sees it coming, with an ETA.
  const std::vector<std::string> sent = {"DMK-01"};
  ASSERT_TRUE(served.desk.dispatch(id, sent, "test")[0].dispatched);
  std::tie(read, view) = served.status_of(url);
  EXPECT_EQ(view["status"], "dispatched");
  ASSERT_EQ(view["units"].size(), 1u);
  EXPECT_EQ(view["units"][0]["type"], "fire_truck");
  EXPECT_GT(view["units"][0]["eta_s"].get<double>(), 0);
  EXPECT_EQ(served.reports->counters().accepted, 2u);
}

TEST(PublicReports, HostileAndWrongReportsAreRefusedAndCounted) {
  PublicServed served;
  const Json good = {{"class", "medical"}, {"lat", -3.70}, {"lon", 128.17}};
  auto with = [&](const char* field, Json value) {
    Json body = good;
    body[field] = std::move(value);
    return body;
  };
  const auto off_island = served.report(with("lat", 1.29));  // Singapore's latitude
  EXPECT_EQ(off_island.first, 422);
  EXPECT_NE(off_island.second["error"].get<std::string>().find("Pulau Ambon"), std::string::npos);
  EXPECT_EQ(served.report(with("class", "picnic")).first, 400);
  EXPECT_EQ(served.report(with("lat", "minus three")).first, 400);
  EXPECT_EQ(served.report(with("phone", "call me maybe")).first, 400);
  EXPECT_EQ(served.report(with("note", std::string(600, 'x'))).first, 400);
  EXPECT_EQ(served.report(with("photo", "not base64!")).first, 400);
  EXPECT_EQ(served.report(with("photo", base64("GIF89a..."))).first, 400);
  const auto garbage = served.phone->Post("/v1/reports/public", "{{{", "application/json");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  const auto huge =
      served.phone->Post("/v1/reports/public", std::string(4 * 1024 * 1024, 'a'), "text/plain");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(served.incidents.list({}).size(), 0u) << "nothing refused became an incident";

  // Three in ten minutes from one address, then 429. The report off the island counted (it got
  // as far as the map); malformed ones did not (they cost nothing).
  EXPECT_EQ(served.report(good).first, 201);
  EXPECT_EQ(served.report(good).first, 201);
  const auto limited = served.report(good);
  EXPECT_EQ(limited.first, 429) << limited.second.dump();
  EXPECT_NE(limited.second["error"].get<std::string>().find("112"), std::string::npos);
  const PublicReportCounters counters = served.reports->counters();
  EXPECT_EQ(counters.rate_limited, 1u);
  EXPECT_EQ(counters.accepted, 2u);
  EXPECT_GE(counters.refused, 8u);

  // The control room's API does not take citizens' reports; the public listener serves nothing
  // of the control room's.
  EXPECT_EQ(served.post("/v1/reports/public", good.dump()).first, 404);
  const auto units = served.phone->Get("/v1/units");
  ASSERT_TRUE(units);
  EXPECT_EQ(units->status, 404);
}

TEST(PublicReports, OnePhoneNumberIsLimitedFromEveryAddress) {
  PublicServed served;
  PublicReportOptions options;
  options.per_address = 100;
  PublicReports reports(served.api, options);
  const Json body = {{"class", "security"}, {"lat", -3.70}, {"lon", 128.17}, {"phone", "0812111"}};
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(reports.submit(body.dump(), "10.0.0." + std::to_string(i)).status, 201);
  EXPECT_EQ(reports.submit(body.dump(), "10.0.0.9").status, 429);
  Json other = body;
  other["phone"] = "0812999";
  EXPECT_EQ(reports.submit(other.dump(), "10.0.0.9").status, 201);
}

TEST(PublicReports, ThePageIsServedSmallAndLockedDown) {
  PublicServed served;
  const auto page = served.phone->Get("/darurat/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Darurat 112"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  size_t total = 0;
  for (const char* file : {"/darurat/", "/darurat/app.js", "/darurat/style.css", "/darurat/sw.js",
                           "/darurat/manifest.webmanifest", "/darurat/icon.svg"}) {
    const auto got = served.phone->Get(file);
    ASSERT_TRUE(got) << file;
    EXPECT_EQ(got->status, 200) << file;
    total += got->body.size();
  }
  EXPECT_LE(total, 100u * 1024) << "the page must load on a slow link";
  const auto manifest = served.phone->Get("/darurat/manifest.webmanifest");
  EXPECT_EQ(manifest->get_header_value("Content-Type"), "application/manifest+json");
  EXPECT_EQ(Json::parse(manifest->body)["start_url"], "/darurat/");
}

}  // namespace
}  // namespace siaga::server::public_reports_test
