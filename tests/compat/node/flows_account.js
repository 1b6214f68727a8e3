// node-bandwidth 4.0.0 flows for the account-side families, each as its README/docs show it.
"use strict";

var h = require("./harness");
var client = h.client;
var check = h.check;

var OUTSIDE = "+12025550123"; // delivered (not in the NXX-555-01XX no-delivery range)

module.exports = {
	account : [
		["get", async function () {
			var account = await client.Account.get();
			check(typeof account.balance === "string" && account.accountType, "balance and type");
		}],
		["transactions", async function () {
			var page = await client.Account.getTransactions({ size : 1000 });
			var credit = page.transactions.filter(function (t) { return t.type === "credit"; });
			check(credit.length === 1 && credit[0].amount === "1000.00000", "the opening credit");
		}]
	],

	applications : [
		["create", async function (ctx) {
			ctx.app = await client.Application.create({
				name            : "node app",
				incomingCallUrl : h.APP_URL + "/node/app",
				autoAnswer      : true
			});
			check(ctx.app.id, "an id from Location");
		}],
		["get", async function (ctx) {
			var got = await client.Application.get(ctx.app.id);
			check(got.name === "node app" && got.incomingCallUrl.endsWith("/node/app"), "fields");
		}],
		["list with paging", async function () {
			await client.Application.create({ name : "second", incomingCallUrl : h.APP_URL });
			var page = await client.Application.list({ size : 1 });
			check(page.applications.length === 1 && page.hasNextPage, "a next page");
			var next = await page.getNextPage();
			check(next.applications.length === 1, "the second page");
			check(next.applications[0].id !== page.applications[0].id, "a different application");
		}],
		["update", async function (ctx) {
			await client.Application.update(ctx.app.id, { name : "renamed" });
			check((await client.Application.get(ctx.app.id)).name === "renamed", "the new name");
		}],
		["delete", async function (ctx) {
			await client.Application.delete(ctx.app.id);
			try {
				await client.Application.get(ctx.app.id);
			}
			catch (err) {
				check(err.statusCode === 404, "404 after delete, got " + err.statusCode);
				return;
			}
			throw new Error("the deleted application is still there");
		}]
	],

	availableNumbers : [
		["search local", async function () {
			var numbers = await client.AvailableNumber.search("local", { areaCode : "919", quantity : 3 });
			check(numbers.length === 3 && numbers[0].number.startsWith("+1919"), "three 919 numbers");
			check(numbers[0].nationalNumber && numbers[0].price, "national form and price");
		}],
		["search toll-free", async function () {
			var numbers = await client.AvailableNumber.search("tollFree", { quantity : 2 });
			check(numbers.length === 2, "two toll-free numbers");
		}],
		["search and order local", async function () {
			var ordered = await client.AvailableNumber.searchAndOrder("local", {
				city : "Cary", state : "NC", quantity : 2
			});
			check(ordered.length === 2 && ordered[0].id && ordered[0].number, "two with ids");
			var owned = await client.PhoneNumber.get(ordered[0].id);
			check(owned.number === ordered[0].number, "owned now");
		}],
		["search and order toll-free", async function () {
			var ordered = await client.AvailableNumber.searchAndOrder("tollFree", { quantity : 1 });
			check(ordered.length === 1 && ordered[0].id, "one with an id");
		}]
	],

	phoneNumbers : [
		["create", async function (ctx) {
			var found = await client.AvailableNumber.search("local", { areaCode : "415", quantity : 1 });
			ctx.number = await client.PhoneNumber.create({ number : found[0].number, name : "home" });
			check(ctx.number.id, "an id from Location");
		}],
		["get by id and by number", async function (ctx) {
			var byId = await client.PhoneNumber.get(ctx.number.id);
			var byNumber = await client.PhoneNumber.get(ctx.number.number);
			check(byId.id === byNumber.id && byId.name === "home", "the same number");
		}],
		["list", async function (ctx) {
			var page = await client.PhoneNumber.list({ size : 100 });
			check(page.phoneNumbers.some(function (n) { return n.id === ctx.number.id; }), "listed");
		}],
		["update", async function (ctx) {
			var app = await client.Application.create({ name : "numbers", incomingCallUrl : h.APP_URL });
			await client.PhoneNumber.update(ctx.number.id, { name : "work", applicationId : app.id });
			var got = await client.PhoneNumber.get(ctx.number.id);
			check(got.name === "work" && got.application.endsWith(app.id), "name and application");
		}],
		["delete", async function (ctx) {
			await client.PhoneNumber.delete(ctx.number.id);
			var page = await client.PhoneNumber.list({ size : 100 });
			check(!page.phoneNumbers.some(function (n) { return n.id === ctx.number.id; }), "gone");
		}]
	],

	messages : [
		["send", async function (ctx) {
			ctx.from = (await h.orderNumber("919")).number;
			ctx.message = await client.Message.send({
				from : ctx.from, to : OUTSIDE, text : "Hello from node",
				callbackUrl : h.APP_URL + "/node/messages", receiptRequested : "all"
			});
			check(ctx.message.id, "an id from Location");
			return { messageId : ctx.message.id };
		}],
		["send many", async function (ctx) {
			var results = await client.Message.sendMultiple([
				{ from : ctx.from, to : OUTSIDE, text : "one" },
				{ from : ctx.from, to : OUTSIDE, text : "two" },
				{ from : "+10000000000", to : OUTSIDE, text : "not ours" }
			]);
			check(results[0].result === "accepted" && results[0].message.id, "first accepted");
			check(results[1].result === "accepted", "second accepted");
			check(results[2].result === "failed" && results[2].error, "third failed with an error");
		}],
		["get", async function (ctx) {
			var got = await h.until(function () { return client.Message.get(ctx.message.id); },
				function (m) { return m.state === "sent"; }, "the message sent");
			check(got.text === "Hello from node" && got.direction === "out", "fields");
		}],
		["list with paging", async function (ctx) {
			var page = await client.Message.list({ from : ctx.from, size : 2 });
			check(page.messages.length === 2 && page.hasNextPage, "two and a next page");
			var next = await page.getNextPage();
			check(next.messages.length === 1 && !next.hasNextPage, "the last one");
		}],
		["redact text", async function (ctx) {
			await client.Message.patch(ctx.message.id, { text : "" });
			check((await client.Message.get(ctx.message.id)).text === "", "text removed");
		}]
	],

	media : [
		["upload", async function () {
			await client.Media.upload("node hello.txt", Buffer.from("hello media"), "text/plain");
		}],
		["list", async function () {
			var files = await client.Media.list();
			var file = files.find(function (f) { return f.mediaName === "node hello.txt"; });
			check(file && Number(file.contentLength) === 11, "listed with its length");
		}],
		["download", async function () {
			var got = await client.Media.download("node hello.txt", "utf8");
			check(got.content === "hello media", "the same bytes, got " + JSON.stringify(got.content));
			check(got.contentType.startsWith("text/plain"), "its content type");
		}],
		["delete", async function () {
			await client.Media.delete("node hello.txt");
			var files = await client.Media.list();
			check(!files.some(function (f) { return f.mediaName === "node hello.txt"; }), "gone");
		}]
	],

	domains : [
		["create domain", async function (ctx) {
			ctx.domain = await client.Domain.create({ name : "nodedomain", description : "from node" });
			check(ctx.domain.id, "an id from Location");
		}],
		["list domains", async function (ctx) {
			var page = await client.Domain.list({ size : 10 });
			check(page.domains.some(function (d) { return d.id === ctx.domain.id; }), "listed");
		}],
		["create endpoint", async function (ctx) {
			ctx.endpoint = await client.Endpoint.create(ctx.domain.id, {
				name : "alice", description : "desk phone", enabled : true,
				credentials : { password : "123456789" }
			});
			check(ctx.endpoint.id, "an id from Location");
		}],
		["list and get endpoint", async function (ctx) {
			var page = await client.Endpoint.list(ctx.domain.id, { size : 10 });
			check(page.endpoints.length === 1, "one endpoint");
			var got = await client.Endpoint.get(ctx.domain.id, ctx.endpoint.id);
			check(got.name === "alice" && got.sipUri.startsWith("alice@nodedomain."), "its sipUri");
		}],
		["update endpoint", async function (ctx) {
			await client.Endpoint.update(ctx.domain.id, ctx.endpoint.id, {
				description : "softphone", enabled : false
			});
			var got = await client.Endpoint.get(ctx.domain.id, ctx.endpoint.id);
			check(got.description === "softphone" && got.enabled === false, "updated");
		}],
		["auth token", async function (ctx) {
			var token = await client.Endpoint.createAuthToken(ctx.domain.id, ctx.endpoint.id,
				{ expires : 600 });
			check(token.token && token.expires === 600, "a token that expires in 600 s");
		}],
		["delete endpoint and domain", async function (ctx) {
			await client.Endpoint.delete(ctx.domain.id, ctx.endpoint.id);
			await client.Domain.delete(ctx.domain.id);
			var page = await client.Domain.list({ size : 10 });
			check(!page.domains.some(function (d) { return d.id === ctx.domain.id; }), "gone");
		}]
	],

	numberInfo : [
		["get", async function () {
			var info = await client.NumberInfo.get("+19195551234");
			check(info.number === "+19195551234" && info.name, "a caller-ID name");
		}]
	],

	errors : [
		["a refused request is an UnexpectedResponseError", async function () {
			try {
				await client.Application.get("a-doesnotexist");
			}
			catch (err) {
				check(err instanceof h.Bandwidth.UnexpectedResponseError, "the SDK's error type");
				check(err.statusCode === 404 && err.message, "404 with a message");
				return;
			}
			throw new Error("no error");
		}],
		["list and get", async function () {
			var page = await client.Error.list({ size : 5 });
			check(page.errors.length >= 1, "the 404 recorded");
			var got = await client.Error.get(page.errors[0].id);
			check(got.id === page.errors[0].id && got.category && got.code, "category and code");
		}]
	]
};
