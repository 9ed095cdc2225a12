#!/usr/bin/env escript
%%! -noshell
%% SPDX-License-Identifier: GPL-3.0-or-later
%% megaco_ito.escript MGC-PORT: Erlang/OTP megaco (its own stack, UDP transport and text codecs) as the MGC
%% of ims-agw, setting H.248.14's inactivity timer (issue 20): it registers the gateway, audits ROOT's
%% Packages (it-1 among them), sets ROOT's Events to it/ito with mit = 100 (1 s), audits ROOT's Events,
%% has an mit under 1 s refused, then stays silent. The gateway's Notify ROOT {it/ito} is printed as megaco
%% decoded it, with the time since megaco last sent anything, and answered. The test script then freezes
%% this process (SIGSTOP) until the gateway has taken the MGC for lost, and resumes it (SIGCONT): the
%% gateway must register again with Method = Disconnected, after which ROOT's Events are as provisioned
%% (none set: the audit returns no Events). Prints "--- NAME" and each reply as megaco's compact encoder
%% writes it. Exits 0 at the end, 2 when the gateway did not register (again), 3 when a request got no
%% reply or no Notify came.
-module(megaco_ito).
-mode(compile).
-export([main/1, handle_connect/3, handle_disconnect/4, handle_syntax_error/4, handle_message_error/4,
	 handle_trans_request/4, handle_trans_long_request/4, handle_trans_reply/5, handle_trans_ack/5,
	 handle_unexpected_trans/4, handle_trans_request_abort/5, handle_segment_reply/6]).

main([PortS]) ->
    Port = list_to_integer(PortS),
    ok = megaco:start(),
    Mid = {ip4Address, {'IP4Address', [127, 0, 0, 1], Port}},
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {user_args, [self()]}, {protocol_version, 3},
				 {reply_timer, 3000}, {request_timer, {megaco_incr_timer, 500, 2, 0, 3}}]),
    RH = {megaco_receive_handle, Mid, megaco_pretty_text_encoder, [], megaco_udp, dynamic},
    {ok, Sup} = megaco_udp:start_transport(),
    {ok, _, _} = megaco_udp:open(Sup, [{port, Port}, {receive_handle, RH}]),
    io:format("listening~n"),
    CH = receive {connected, C} -> C after 15000 -> io:format("no connection~n"), halt(2) end,
    await_registration(),
    call(CH, "audit ROOT's packages", "Context = - { AuditValue = ROOT { Audit { Packages } } }"),
    call(CH, "set it/ito, mit = 1 s", "Context = - { Modify = ROOT { Events = 7 { it/ito { mit = 100 } } } }"),
    call(CH, "audit ROOT's events", "Context = - { AuditValue = ROOT { Audit { Events } } }"),
    call(CH, "an mit under 1 s", "Context = - { Modify = ROOT { Events = 8 { it/ito { mit = 5 } } } }"),
    Last = erlang:monotonic_time(millisecond),
    receive {notify, Text, At} ->
	    io:format("--- notify~n~s~nafter ~s~n", [Text, window(At - Last)])
    after 5000 -> io:format("no Notify~n"), halt(3)
    end,
    io:format("--- freeze me~n"),
    await_registration(),
    call(CH, "audit ROOT's events again", "Context = - { AuditValue = ROOT { Audit { Events } } }"),
    io:format("--- end~n"),
    halt(0).

%% The Notify's delay, as the test can assert it: 1 s of silence, give or take the event loop's tick.
window(Ms) when Ms >= 950, Ms =< 1500 -> "1 s";
window(Ms) -> io_lib:format("~b ms", [Ms]).

await_registration() ->
    receive {registered, SC} -> io:format("--- registration~n~s~n", [SC])
    after 20000 -> io:format("no registration~n"), halt(2) end,
    %% the callback tells us before megaco sends its reply: let that reply reach ims-agw first
    timer:sleep(300).

%% Decodes H.248 text (version 3) with megaco and takes its one transaction's actions.
decode(Body) ->
    Text = iolist_to_binary(io_lib:format("MEGACO/3 [127.0.0.1]:2945~n~s~n", [Body])),
    case megaco_pretty_text_encoder:decode_message([], dynamic, Text) of
	{ok, {'MegacoMessage', _, {'Message', _, _, {transactions, [{_, T}]}}}} -> T;
	Error -> io:format("cannot decode our own request ~s: ~p~n", [Text, Error]), halt(4)
    end.

%% The reply as megaco's compact encoder writes it, under the gateway's mId.
reply_text(V, Result) ->
    Mid = {ip4Address, {'IP4Address', [127, 0, 0, 1], 2944}},
    TR = {'TransactionReply', 1, asn1_NOVALUE, Result, asn1_NOVALUE, asn1_NOVALUE},
    Msg = {'MegacoMessage', asn1_NOVALUE, {'Message', V, Mid, {transactions, [{transactionReply, TR}]}}},
    case megaco_compact_text_encoder:encode_message([], V, Msg) of
	{ok, Bin} -> Bin;
	Error -> io_lib:format("cannot encode ~p: ~p", [Result, Error])
    end.

call(CH, Name, Text) ->
    {'TransactionRequest', _, Actions} = decode("Transaction = 1 { " ++ Text ++ " }"),
    io:format("--- ~s~n", [Name]),
    case megaco:call(CH, Actions, []) of
	{PV, {error, {'ErrorDescriptor', _, _} = E}} ->
	    io:format("~s~n", [reply_text(PV, {transactionError, E})]);
	{PV, {error, Reason}} -> io:format("version ~p: error ~p~n", [PV, Reason]), halt(3);
	{PV, {ok, Replies}} -> io:format("~s~n", [reply_text(PV, {actionReplies, Replies})]);
	Other -> io:format("~p~n", [Other]), halt(3)
    end.

%% An observed event as megaco decoded it: "RequestID: pkg/name { param = value, ... }".
observed({'ObservedEventsDescriptor', Rid, Events}) ->
    [io_lib:format("~b: ~s {~s }", [Rid, Name, [[" ", P, " = ", string:join(V, ",")]
					       || {'EventParameter', P, V, _} <- Params]])
     || {'ObservedEvent', Name, _, Params, _} <- Events].

%% ---- megaco_user callbacks (user_args: the main process) ----

handle_connect(CH, _PV, Main) -> Main ! {connected, CH}, ok.
handle_disconnect(_, _, _, _) -> ok.
handle_syntax_error(_, _, E, _) -> io:format("megaco: syntax error ~p~n", [E]), reply.
handle_message_error(_, _, E, _) -> io:format("megaco: message error ~p~n", [E]), no_reply.
handle_trans_request(_CH, _PV, [{'ActionRequest', 0, _, _, [{'CommandRequest', {serviceChangeReq, R}, _, _}]}],
		     Main) ->
    {'ServiceChangeRequest', Tids, Parm} = R,
    {Method, Version, {'ServiceChangeProfile', Profile, PV}, [Reason]} =
	{element(2, Parm), element(4, Parm), element(5, Parm), element(6, Parm)},
    Names = [string:join(Id, "/") || {megaco_term_id, _, Id} <- Tids],
    Main ! {registered, io_lib:format("ServiceChange = ~s Method = ~s, Version = ~b, Profile = ~s/~b, "
				      "Reason = \"~s\"", [Names, Method, Version, Profile, PV, Reason])},
    Res = {serviceChangeResParms, {'ServiceChangeResParm', asn1_NOVALUE, asn1_NOVALUE, 3, asn1_NOVALUE,
				   asn1_NOVALUE}},
    {discard_ack, [{'ActionReply', 0, asn1_NOVALUE, asn1_NOVALUE,
		    [{serviceChangeReply, {'ServiceChangeReply', Tids, Res}}]}]};
handle_trans_request(_CH, _PV, [{'ActionRequest', Cid, _, _,
				 [{'CommandRequest', {notifyReq, {'NotifyRequest', Tids, OE, _}}, _, _}]}], Main) ->
    Names = [string:join(Id, "/") || {megaco_term_id, _, Id} <- Tids],
    Main ! {notify, io_lib:format("Notify = ~s ~s", [Names, observed(OE)]), erlang:monotonic_time(millisecond)},
    {discard_ack, [{'ActionReply', Cid, asn1_NOVALUE, asn1_NOVALUE,
		    [{notifyReply, {'NotifyReply', Tids, asn1_NOVALUE}}]}]};
handle_trans_request(_CH, _PV, Actions, _Main) ->
    io:format("megaco: unexpected request ~p~n", [Actions]),
    {discard_ack, {'ErrorDescriptor', 500, "not expected by the test"}}.
handle_trans_long_request(_, _, _, _) -> {discard_ack, []}.
handle_trans_reply(_, _, _, _, _) -> ok.
handle_trans_ack(_, _, _, _, _) -> ok.
handle_unexpected_trans(_, _, T, _) -> io:format("megaco: unexpected transaction ~p~n", [T]), ok.
handle_trans_request_abort(_, _, _, _, _) -> ok.
handle_segment_reply(_, _, _, _, _, _) -> ok.
