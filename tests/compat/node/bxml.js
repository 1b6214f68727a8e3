// node bxml.js APP_URL : every verb and attribute node-bandwidth 4.0.0's BXMLResponse builds,
// one document each, printed as one JSON object {name: xml}. URLs point at APP_URL so the
// sandbox's Gather/Record/Redirect callbacks reach the test. Each document ends in a
// hangup so its call ends once it has run. Used by tests/compat/bxml_generators.py.
"use strict";

var Bandwidth = require("node-bandwidth");

var app = process.argv[2];
var documents = {};

function build (name, fill) {
	var response = new Bandwidth.BXMLResponse();
	fill(response);
	documents[name] = response.hangup().toString();
}

// The obsolete verbs print a console.warn of their own; keep stdout JSON only.
console.warn = function () {};

build("speakSentence", function (r) {
	r.speakSentence("Thanks for calling.", { gender : "male", locale : "en_UK", voice : "simon" })
		.speakSentence("Defaults for gender, locale and voice.");
});
build("gather", function (r) {
	r.gather({
		requestUrl        : app + "/bxml/node/gather",
		requestUrlTimeout : 3000,
		terminatingDigits : "*",
		maxDigits         : 4,
		interDigitTimeout : 3,
		bargeable         : true,
		tag               : "pin"
	}, function () {
		this.speakSentence("Please enter your PIN code.");
	});
});
// The builder's own JSDoc names these requestURL, requestURLTimeout, integerDigitTimeout.
build("gather (JSDoc names)", function (r) {
	r.gather({
		requestURL          : app + "/bxml/node/gather-doc",
		requestURLTimeout   : 3000,
		integerDigitTimeout : 3
	}, function () {
		this.playAudio("https://example.com/menu.wav");
	});
});
build("call (obsolete)", function (r) {
	r.call({ from : "+19195551212", to : "+19195551213", timeout : 10 }, function () {
		this.speakSentence("You are receiving a call.");
	});
});
build("conference (obsolete)", function (r) {
	r.conference({ from : "+19195551212", tag : "room", mute : false, hold : false });
});
build("hangup", function () {});
build("playAudio", function (r) {
	r.playAudio("https://example.com/postglamspeedfolk.mp3");
});
build("record", function (r) {
	r.record({
		requestUrl            : app + "/bxml/node/record",
		requestUrlTimeout     : 3000,
		fileFormat            : "wav",
		terminatingDigits     : "#",
		maxDuration           : 2,
		transcribe            : true,
		transcribeCallbackUrl : app + "/bxml/node/transcribe"
	});
});
build("redirect", function (r) {
	r.redirect({ requestUrl : app + "/bxml/node/redirect", requestUrlTimeout : 3000 });
});
build("sendMessage (obsolete)", function (r) {
	r.sendMessage("Where are you?", { from : "+19195551212", to : "+19195551213" });
});
build("transfer", function (r) {
	r.transfer({
		transferTo        : "+15554010000",
		transferCallerId  : "+19195551212",
		callTimeout       : 10,
		requestUrl        : app + "/bxml/node/transfer",
		requestUrlTimeout : 3000,
		tag               : "xfer"
	}, function () {
		this.speakSentence("A call is being transferred to you.");
	});
});
build("transfer to phoneNumbers", function (r) {
	r.transfer({}, function () {
		this.phoneNumber("+15554010001");
		this.phoneNumber("+15554010002");
		this.speakSentence("A call is being transferred to you from Customer Service.");
	});
});
build("pause", function (r) {
	r.pause({ length : 1 });
});
build("sendDtmf", function (r) {
	r.sendDtmf("12w3#");
});

process.stdout.write(JSON.stringify(documents) + "\n");
