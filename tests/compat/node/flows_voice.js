// node-bandwidth 4.0.0 flows for calls, bridges, conferences and recordings.
// Far ends follow docs/sandbox.md: +15550NN... answers after NN s and stays up.
"use strict";

var h = require("./harness");
var client = h.client;
var check = h.check;
var until = h.until;

var ANSWERS = "+15550010000"; // answers after 1 s, stays until hung up
var WAV = "https://example.com/hold.wav";

function events (callId) {
	return client.Call.getEvents(callId);
}

function named (list, name) {
	return list.filter(function (e) { return e.name === name; });
}

async function ended (callId) {
	return until(function () { return client.Call.get(callId); },
		function (c) { return c.state === "completed"; }, "call " + callId + " completed");
}

module.exports = {
	calls : [
		["create", async function (ctx) {
			ctx.from = (await h.orderNumber("919")).number;
			ctx.call = await client.Call.create({
				from : ctx.from, to : ANSWERS, callbackUrl : h.APP_URL + "/node/calls", tag : "t1"
			});
			check(ctx.call.id, "an id from Location");
			return { callId : ctx.call.id };
		}],
		["get", async function (ctx) {
			var got = await until(function () { return client.Call.get(ctx.call.id); },
				function (c) { return c.state === "active"; }, "the answer");
			check(got.direction === "out" && got.from === ctx.from && got.activeTime, "fields");
		}],
		["list", async function (ctx) {
			var calls = await client.Call.list({ from : ctx.from, size : 10 });
			check(calls.some(function (c) { return c.id === ctx.call.id; }), "listed");
		}],
		["speak sentence", async function (ctx) {
			await client.Call.speakSentence(ctx.call.id, "Hello from node");
			await until(function () { return events(ctx.call.id); },
				function (es) { return named(es, "speak").length >= 2; }, "speak start and done");
		}],
		["play audio", async function (ctx) {
			await client.Call.playAudioFile(ctx.call.id, WAV);
			await client.Call.stopAudioFilePlayback(ctx.call.id);
			await client.Call.playAudioAdvanced(ctx.call.id, { sentence : "advanced", voice : "kate" });
			await client.Call.stopSpeaking(ctx.call.id);
			await until(function () { return events(ctx.call.id); },
				function (es) { return named(es, "playback").length >= 2; }, "playback events");
		}],
		["dtmf", async function (ctx) {
			await client.Call.sendDtmf(ctx.call.id, "12#");
		}],
		["gather create, get, stop", async function (ctx) {
			var gather = await client.Call.createGather(ctx.call.id, {
				maxDigits : 4, interDigitTimeout : 5, tag : "pin",
				prompt : { sentence : "Enter your PIN" }
			});
			check(gather.id, "an id from Location");
			var got = await client.Call.getGather(ctx.call.id, gather.id);
			check(got.id === gather.id && got.state === "started", "a running gather, got " + got.state);
			await client.Call.completeGather(ctx.call.id, gather.id);
			got = await client.Call.getGather(ctx.call.id, gather.id);
			check(got.state === "completed", "stopped, got " + got.state);
		}],
		["recording on and off", async function (ctx) {
			await client.Call.setMaxRecordingDuration(ctx.call.id, 120);
			check((await client.Call.get(ctx.call.id)).recordingMaxDuration === 120, "the max");
			await client.Call.enableRecording(ctx.call.id);
			await h.sleep(100);
			await client.Call.disableRecording(ctx.call.id);
			var recordings = await until(function () { return client.Call.getRecordings(ctx.call.id); },
				function (rs) { return rs.length === 1 && rs[0].state === "complete"; }, "a recording");
			check(recordings[0].media, "its media");
		}],
		["events list and get", async function (ctx) {
			var list = await events(ctx.call.id);
			check(list[0].name === "create" && named(list, "answer").length === 1, "create, answer");
			var one = await client.Call.getEvent(ctx.call.id, list[1].id);
			check(one.id === list[1].id && one.name === list[1].name, "the same event");
		}],
		["transfer", async function (ctx) {
			var leg = await client.Call.transfer(ctx.call.id, { transferTo : ANSWERS });
			check(leg.id && leg.id !== ctx.call.id, "the new leg's id");
			await until(function () { return client.Call.get(leg.id); },
				function (c) { return c.state === "active"; }, "the new leg answered");
			ctx.leg = leg;
		}],
		["hang up", async function (ctx) {
			await client.Call.hangup(ctx.call.id);
			await ended(ctx.call.id);
			await ended(ctx.leg.id);
		}],
		["answer an inbound call", async function (ctx) {
			var app = await client.Application.create({
				name : "ringing", incomingCallUrl : h.APP_URL + "/node/inbound", autoAnswer : false
			});
			ctx.ours = (await h.orderNumber("919")).number;
			await client.PhoneNumber.update(ctx.ours, { applicationId : app.id });
			await client.Call.create({ from : ctx.from, to : ctx.ours });
			var inbound = await until(function () { return client.Call.list({ to : ctx.ours }); },
				function (cs) { return cs.some(function (c) { return c.direction === "in"; }); },
				"the inbound leg");
			var leg = inbound.find(function (c) { return c.direction === "in"; });
			await client.Call.answer(leg.id);
			await until(function () { return client.Call.get(leg.id); },
				function (c) { return c.state === "active"; }, "answered");
			await client.Call.hangup(leg.id);
		}],
		["reject an inbound call", async function (ctx) {
			var outbound = await client.Call.create({ from : ctx.from, to : ctx.ours });
			var leg = await until(async function () {
				var cs = await client.Call.list({ to : ctx.ours, sortOrder : "desc" });
				return cs.find(function (c) {
					return c.direction === "in" && c.state === "started";
				});
			}, function (c) { return c; }, "the second inbound leg");
			await client.Call.reject(leg.id);
			await until(function () { return client.Call.get(leg.id); },
				function (c) { return c.state === "rejected"; }, "rejected");
			await until(function () { return client.Call.get(outbound.id); },
				function (c) { return c.state !== "started" && c.state !== "active"; }, "caller ended");
		}]
	],

	bridges : [
		["create", async function (ctx) {
			var from = (await h.orderNumber("919")).number;
			ctx.a = await h.activeCall({ from : from, to : ANSWERS });
			ctx.b = await h.activeCall({ from : from, to : ANSWERS });
			ctx.bridge = await client.Bridge.create({ callIds : [ctx.a.id, ctx.b.id], bridgeAudio : true });
			check(ctx.bridge.id, "an id from Location");
		}],
		["get and list", async function (ctx) {
			var got = await client.Bridge.get(ctx.bridge.id);
			check(got.state === "active" && got.bridgeAudio === true, "active, got " + got.state);
			var page = await client.Bridge.list({ size : 10 });
			check(page.bridges.some(function (b) { return b.id === ctx.bridge.id; }), "listed");
		}],
		["calls", async function (ctx) {
			var calls = await client.Bridge.getCalls(ctx.bridge.id);
			check(calls.length === 2, "both calls");
		}],
		["speak and play", async function (ctx) {
			await client.Bridge.speakSentence(ctx.bridge.id, "Hello both");
			await client.Bridge.stopSpeaking(ctx.bridge.id);
			await client.Bridge.playAudioFile(ctx.bridge.id, WAV);
			await client.Bridge.stopAudioFilePlayback(ctx.bridge.id);
			await client.Bridge.playAudioAdvanced(ctx.bridge.id, { sentence : "advanced" });
		}],
		["remove and add a call", async function (ctx) {
			await client.Bridge.update(ctx.bridge.id, { callIds : [ctx.a.id] });
			check((await client.Bridge.getCalls(ctx.bridge.id)).length === 1, "one call left");
			await client.Bridge.update(ctx.bridge.id, { callIds : [ctx.a.id, ctx.b.id] });
			check((await client.Bridge.getCalls(ctx.bridge.id)).length === 2, "both again");
			await client.Call.hangup(ctx.a.id);
			await client.Call.hangup(ctx.b.id);
			await until(function () { return client.Bridge.get(ctx.bridge.id); },
				function (b) { return b.state === "completed"; }, "the bridge completed");
		}]
	],

	conferences : [
		["create", async function (ctx) {
			ctx.from = (await h.orderNumber("919")).number;
			ctx.conference = await client.Conference.create({
				from : ctx.from, callbackUrl : h.APP_URL + "/node/conference"
			});
			check(ctx.conference.id, "an id from Location");
			var got = await client.Conference.get(ctx.conference.id);
			check(got.from === ctx.from, "its number");
		}],
		["add members", async function (ctx) {
			ctx.members = [];
			for (var i = 0; i < 2; i++) {
				var call = await h.activeCall({
					from : ctx.from, to : ANSWERS, conferenceId : ctx.conference.id
				});
				var member = await client.Conference.createMember(ctx.conference.id,
					{ callId : call.id, joinTone : true });
				check(member.id, "a member id");
				ctx.members.push(member);
			}
		}],
		["list and get members", async function (ctx) {
			var members = await client.Conference.getMembers(ctx.conference.id);
			check(members.length === 2, "two members");
			var one = await client.Conference.getMember(ctx.conference.id, ctx.members[0].id);
			check(one.state === "active", "an active member");
		}],
		["mute and hold a member", async function (ctx) {
			var id = ctx.members[0].id;
			await client.Conference.updateMember(ctx.conference.id, id, { mute : true });
			await client.Conference.updateMember(ctx.conference.id, id, { hold : true });
			var one = await client.Conference.getMember(ctx.conference.id, id);
			check(one.mute === true && one.hold === true, "muted and held");
		}],
		["audio to a member", async function (ctx) {
			var id = ctx.members[1].id;
			await client.Conference.speakSentenceToMember(ctx.conference.id, id, "Just you");
			await client.Conference.playAudioFileToMember(ctx.conference.id, id, WAV);
			await client.Conference.playAudioAdvancedToMember(ctx.conference.id, id,
				{ sentence : "advanced" });
		}],
		["speak and play to all", async function (ctx) {
			await client.Conference.speakSentence(ctx.conference.id, "Welcome");
			await client.Conference.stopSpeaking(ctx.conference.id);
			await client.Conference.playAudioFile(ctx.conference.id, WAV);
			await client.Conference.stopAudioFilePlayback(ctx.conference.id);
		}],
		["mute and hold the conference", async function (ctx) {
			await client.Conference.update(ctx.conference.id, { mute : true, hold : true });
			var got = await client.Conference.get(ctx.conference.id);
			check(got.mute === true && got.hold === true, "muted and held");
			await client.Conference.update(ctx.conference.id, { mute : false, hold : false });
		}],
		["remove members", async function (ctx) {
			for (var i = 0; i < ctx.members.length; i++) {
				await client.Conference.removeMember(ctx.conference.id, ctx.members[i].id);
			}
			await until(function () { return client.Conference.get(ctx.conference.id); },
				function (c) { return c.state === "completed"; }, "completed by the last leaving");
		}],
		["end an ended conference", async function (ctx) {
			await client.Conference.remove(ctx.conference.id);
		}],
		["end a running conference", async function (ctx) {
			var conference = await client.Conference.create({ from : ctx.from });
			await client.Conference.remove(conference.id);
			check((await client.Conference.get(conference.id)).state === "completed", "completed");
		}]
	],

	// The callbacks' order is checked by the test, at the application server it serves.
	callbacks : [
		["outbound call: answer, speak, hangup in order", async function () {
			var from = (await h.orderNumber("919")).number;
			var call = await h.activeCall({
				from : from, to : ANSWERS, callbackUrl : h.APP_URL + "/node/callbacks/out", tag : "x"
			});
			await client.Call.speakSentence(call.id, "Hi");
			await until(function () { return events(call.id); },
				function (es) { return named(es, "speak").length === 2; }, "the sentence spoken");
			await client.Call.hangup(call.id);
			await ended(call.id);
			return { callId : call.id, from : from };
		}],
		["inbound call to an application: incomingcall, answer, hangup", async function () {
			var app = await client.Application.create({
				name : "auto", incomingCallUrl : h.APP_URL + "/node/callbacks/in", autoAnswer : true
			});
			var from = (await h.orderNumber("919")).number;
			var ours = await h.orderNumber("919");
			await client.PhoneNumber.update(ours.id, { applicationId : app.id });
			var outbound = await h.activeCall({ from : from, to : ours.number });
			await client.Call.hangup(outbound.id);
			await ended(outbound.id);
			return { to : ours.number, from : from };
		}]
	],

	recordings : [
		["record a call", async function (ctx) {
			var from = (await h.orderNumber("919")).number;
			ctx.call = await h.activeCall({ from : from, to : ANSWERS, recordingEnabled : true });
			await client.Call.speakSentence(ctx.call.id, "Leave a message for the node SDK");
			await h.sleep(200);
			await client.Call.hangup(ctx.call.id);
			await until(function () { return client.Call.getRecordings(ctx.call.id); },
				function (rs) { return rs.length === 1 && rs[0].state === "complete"; }, "complete");
		}],
		["list and get", async function (ctx) {
			var list = await client.Recording.list({ size : 10 });
			ctx.recording = list.find(function (r) { return r.call.endsWith(ctx.call.id); });
			check(ctx.recording, "the call's recording listed");
			var got = await client.Recording.get(ctx.recording.id);
			check(got.id === ctx.recording.id && got.media, "its media");
		}],
		["transcribe", async function (ctx) {
			var created = await client.Recording.createTranscription(ctx.recording.id);
			check(created.id, "an id from Location");
			var done = await until(function () {
				return client.Recording.getTranscription(ctx.recording.id, created.id);
			}, function (t) { return t.state === "completed"; }, "the transcription");
			check(done.text.indexOf("node SDK") >= 0, "what was said, got " + done.text);
			var all = await client.Recording.getTranscriptions(ctx.recording.id);
			check(all.length === 1, "listed");
		}],
		["call transcriptions", async function (ctx) {
			var list = await client.Call.getTranscriptions(ctx.call.id);
			check(list.length === 1, "one transcription on the call");
		}]
	]
};
