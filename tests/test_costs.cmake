# Read by CTest after the discovered gtest cases: the tests that take a minute or more of wall
# clock (drills, broker restarts, a browser, sanitized CLI runs), mostly waiting on timers and
# processes rather than the CPU, are started first, so that the many short tests fill the cores
# while they wait. Without this a fresh clone has no timings yet and may start them last.
# Costs are rough seconds, from a CI run; CTest ignores a name that no longer exists. (`cli` and
# `console` are given theirs where tests/CMakeLists.txt adds them, after this file is read.)
set(siaga_long_tests
  "Drill.ADrillThatLosesItsBrokerKeepsGoingAndSaysWhatItCouldNotSend" 80
  "Drill.CallsAtARateAreReachedClosedAndInTheServersReport" 80
  "FaultsUnderLoad.FiveHundredVehiclesThroughTwoBrokerRestartsAndAnEngineKill" 70
  "Simulation.TheSameSeedGivesTheSameRunAndPoliciesSeeTheSameCalls" 70
  "Coverage.AddingTheSuggestedStationsNeverLowersCoverage" 65
  "FailoverDrill.ThePrimaryKilledMidDrillLosesNothingItAcknowledged" 65
  "Drill.ASimulatedCrewIsOnSceneAndBackHomeFromItsGpsAlone" 60)
while(siaga_long_tests)
  list(POP_FRONT siaga_long_tests name cost)
  set_tests_properties("${name}" PROPERTIES COST ${cost})
endwhile()
