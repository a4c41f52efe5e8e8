-- Incident places on the island (schematic Ambon): city, Passo, Poka, Tulehu, Laha, Soya, Latuhalat.
places = {
  {-3.6930, 128.1820}, {-3.6400, 128.2520}, {-3.6560, 128.1870}, {-3.5880, 128.3280},
  {-3.7106, 128.0892}, {-3.7040, 128.1910}, {-3.7700, 128.1300}, {-3.6700, 128.2000},
}
counter = 0
function next_place()
  counter = counter + 1
  return places[counter % #places + 1], counter
end
