# Read by CTest after the discovered gtest cases. The few that take a minute or more of wall
# clock (drills, broker restarts, an engine killed) mostly wait on timers and processes: all of
# them together use about half a core. They are started first, and each holds a "waiting" slot
# while every other case holds a "cpu" one (tests/ctest_resources.json: three of those for two
# cores, eight waiting), so that the short tests fill the cores while the long ones wait.
# Without their costs a fresh clone has no timings yet and may start them last. CTest applies
# resource groups only when given the file (tools/test gives it); a plain `ctest -j3` runs as ever.
# Costs are rough seconds, from a CI run. (`cli` and `console` are given theirs where
# tests/CMakeLists.txt adds them, after this file is read.)
set(siaga_waiting_tests
  "Drill.ADrillThatLosesItsBrokerKeepsGoingAndSaysWhatItCouldNotSend" 80
  "Drill.CallsAtARateAreReachedClosedAndInTheServersReport" 80
  "FaultsUnderLoad.FiveHundredVehiclesThroughTwoBrokerRestartsAndAnEngineKill" 70
  "FailoverDrill.ThePrimaryKilledMidDrillLosesNothingItAcknowledged" 65
  "Drill.ASimulatedCrewIsOnSceneAndBackHomeFromItsGpsAlone" 60)
set(waiting_names "")
while(siaga_waiting_tests)
  list(POP_FRONT siaga_waiting_tests name cost)
  list(APPEND waiting_names "${name}")
  set_tests_properties("${name}" PROPERTIES COST ${cost} RESOURCE_GROUPS waiting:1)
endwhile()
# Every other discovered case (siaga_tests_TESTS: gtest_discover_tests' list) holds a "cpu" slot.
# Each is set once: a second set_tests_properties of RESOURCE_GROUPS adds a group.
foreach(name IN LISTS siaga_tests_TESTS)
  list(FIND waiting_names "${name}" waiting)  # (IN_LIST needs a policy CTest's scripts lack)
  if(waiting EQUAL -1)
    set_tests_properties("${name}" PROPERTIES RESOURCE_GROUPS cpu:1)
  endif()
endforeach()
