// node flows.js FAMILY... : run node-bandwidth 4.0.0 flows against BW_BASE_URL, printing
// one JSON line per flow ({family, flow, ok, error?, data?}); `node flows.js --list`
// prints every family and its flows. Driven by tests/compat/test_node_sdk.py.
"use strict";

var h = require("./harness");

var FAMILIES = Object.assign({}, require("./flows_account"), require("./flows_voice"));

async function main (args) {
	if (args[0] === "--list") {
		var listing = {};
		Object.keys(FAMILIES).forEach(function (family) {
			listing[family] = FAMILIES[family].map(function (flow) { return flow[0]; });
		});
		process.stdout.write(JSON.stringify(listing) + "\n");
		return;
	}
	for (var i = 0; i < args.length; i++) {
		if (!FAMILIES[args[i]]) {
			throw new Error("no such family: " + args[i]);
		}
		await h.run(args[i], FAMILIES[args[i]]);
	}
}

main(process.argv.slice(2)).catch(function (err) {
	process.stderr.write(String(err && err.stack || err) + "\n");
	process.exit(2);
});
