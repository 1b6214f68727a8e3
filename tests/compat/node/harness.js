// Shared by the flow files: the SDK client configured as its README shows, a bounded
// poll, and the runner that prints one JSON line per flow for tests/compat/test_node_sdk.py.
"use strict";

var Bandwidth = require("node-bandwidth");

var env = process.env;

// Exactly the README's client initialisation, with baseUrl pointed at the sandbox.
var client = new Bandwidth({
	userId    : env.BW_USER_ID,
	apiToken  : env.BW_API_TOKEN,
	apiSecret : env.BW_API_SECRET,
	baseUrl   : env.BW_BASE_URL
});

var APP_URL = env.APP_URL; // the test's application server (callbacks land there)

function check (condition, what) {
	if (!condition) {
		throw new Error("expected " + what);
	}
}

function sleep (ms) {
	return new Promise(function (resolve) { setTimeout(resolve, ms); });
}

// Poll `probe` until `accept(value)` holds; bounded so a broken flow fails, never hangs.
async function until (probe, accept, what, seconds) {
	var deadline = Date.now() + (seconds || 10) * 1000;
	var value;
	for (;;) {
		value = await probe();
		if (accept(value)) {
			return value;
		}
		if (Date.now() > deadline) {
			throw new Error("timed out waiting for " + what + ": " + JSON.stringify(value));
		}
		await sleep(50);
	}
}

// Order one local number with the SDK's search-and-order (the account starts with none).
async function orderNumber (areaCode) {
	var ordered = await client.AvailableNumber.searchAndOrder("local", {
		areaCode : areaCode || "919",
		quantity : 1
	});
	check(ordered.length === 1 && ordered[0].id, "one ordered number with an id");
	return ordered[0];
}

async function activeCall (params) {
	var call = await client.Call.create(params);
	await until(function () { return client.Call.get(call.id); },
		function (c) { return c.state === "active"; }, "call " + call.id + " active");
	return call;
}

// Run the flows of one family in order; every flow reports, later flows still run.
async function run (family, flows) {
	var ctx = {};
	for (var i = 0; i < flows.length; i++) {
		var name = flows[i][0];
		var line = { family : family, flow : name, ok : true };
		try {
			var data = await flows[i][1](ctx);
			if (data !== undefined) {
				line.data = data;
			}
		}
		catch (err) {
			line.ok = false;
			line.error = (err && (err.statusCode ? err.statusCode + " " : "") + err.message) ||
				String(err);
		}
		process.stdout.write(JSON.stringify(line) + "\n");
	}
}

module.exports = {
	APP_URL     : APP_URL,
	Bandwidth   : Bandwidth,
	activeCall  : activeCall,
	check       : check,
	client      : client,
	orderNumber : orderNumber,
	run         : run,
	sleep       : sleep,
	until       : until
};
