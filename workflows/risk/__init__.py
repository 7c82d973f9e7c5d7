"""The risk score of each place of deprivation of liberty, from the DMN table `bpmn/risk.dmn`."""
