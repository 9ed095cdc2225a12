#!/usr/bin/env escript
%%! -noshell
%% nonconformant_mg.escript MG-PORT MGC-PORT: a deliberately non-conformant IMS-AGW for ims-lab --sut agw
%% (tests/integration/lab-sut.sh), on Erlang/OTP megaco's own stack (megaco:start_user, megaco:connect,
%% the megaco_udp transport, the pretty text encoder). It registers with the MGC at 127.0.0.1:MGC-PORT
%% (ServiceChange Restart, version 3) and answers every Add, Modify, Subtract and AuditValue, filling the
%% Local's CHOOSE ($) with 127.0.0.1 and a port of its own from 47000 up; but where the MGC asks for its
%% certificate fingerprint (a=fingerprint:$, TS 29.334 5.14.2.x, TLS/DTLS termination) the reply's Local
%% leaves the line out: that is its one wrong step. It carries no media. Prints "registered", then a line
%% per request answered; runs until killed; exit 2 when no MGC answers the registration within a minute.
-module(nonconformant_mg).
-mode(compile).
-export([main/1, handle_connect/3, handle_disconnect/4, handle_syntax_error/4, handle_message_error/4,
	 handle_trans_request/4, handle_trans_long_request/4, handle_trans_reply/5, handle_trans_ack/5,
	 handle_unexpected_trans/4, handle_trans_request_abort/5, handle_segment_reply/6]).

-define(CHOOSE_CONTEXT, 4294967294).

main([MgPortS, MgcPortS]) ->
    MgPort = list_to_integer(MgPortS), MgcPort = list_to_integer(MgcPortS),
    ok = megaco:start(),
    Mid = {ip4Address, {'IP4Address', [127, 0, 0, 1], MgPort}},
    Tab = ets:new(nonconformant_mg, [public, set]),
    ets:insert(Tab, [{context, 0}, {termination, 0}, {port, 46999}]),
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {user_args, [Tab]}, {protocol_version, 3},
				 {request_timer, {megaco_incr_timer, 500, 2, 0, 3}}]),
    RH = {megaco_receive_handle, Mid, megaco_pretty_text_encoder, [], megaco_udp, dynamic},
    {ok, Sup} = megaco_udp:start_transport(),
    {ok, SH, Ctl} = megaco_udp:open(Sup, [{port, MgPort}, {receive_handle, RH}]),
    Send = megaco_udp:create_send_handle(SH, {127, 0, 0, 1}, MgcPort),
    {ok, CH} = megaco:connect(RH, preliminary_mid, Send, Ctl),
    Restart = "Context = - { ServiceChange = ROOT { Services { Method = Restart, "
	      "Reason = \"901 Cold Boot\", Version = 3 } } }",
    register(CH, actions(Restart), erlang:monotonic_time(millisecond) + 60000),
    receive never -> ok end.

%% As an MG does (H.248.1 11.5), the ServiceChange is sent again until an MGC answers it: the MGC may
%% come up after the MG. megaco retransmits each attempt for 7.5 s; a minute in all, then exit 2.
register(CH, Actions, Deadline) ->
    case megaco:call(CH, Actions, []) of
	{_, {ok, _}} -> io:format("registered~n");
	Other ->
	    case erlang:monotonic_time(millisecond) < Deadline of
		true -> io:format("registration: ~p, again~n", [Other]), register(CH, Actions, Deadline);
		false -> io:format("registration: ~p~n", [Other]), halt(2)
	    end
    end.

%% megaco's records for the actions of "Transaction = 1 { Body }", decoded by megaco.
actions(Body) ->
    Text = iolist_to_binary(io_lib:format("MEGACO/3 [127.0.0.1]:2944~nTransaction = 1 { ~s }~n", [Body])),
    {ok, {'MegacoMessage', _, {'Message', _, _, {transactions, [{transactionRequest, T}]}}}} =
	megaco_pretty_text_encoder:decode_message([], dynamic, Text),
    element(3, T).

%% ---- answering the MGC ----

next(Tab, Key) -> ets:update_counter(Tab, Key, 1).

action(Tab, {'ActionRequest', Ctx0, _, _, Cmds}) ->
    Ctx = case Ctx0 of ?CHOOSE_CONTEXT -> next(Tab, context); _ -> Ctx0 end,
    {'ActionReply', Ctx, asn1_NOVALUE, asn1_NOVALUE, [command(Tab, C) || {'CommandRequest', C, _, _} <- Cmds]}.

command(Tab, {addReq, {'AmmRequest', [Tid0], Descs}}) ->
    Tid = case Tid0 of
	      {megaco_term_id, true, ["$"]} -> {megaco_term_id, false, ["nc", integer_to_list(next(Tab, termination))]};
	      _ -> Tid0
	  end,
    {addReply, {'AmmsReply', [Tid], locals(Tab, Descs)}};
command(Tab, {modReq, {'AmmRequest', Tids, Descs}}) -> {modReply, {'AmmsReply', Tids, locals(Tab, Descs)}};
command(_, {subtractReq, {'SubtractRequest', Tids, _}}) -> {subtractReply, {'AmmsReply', Tids, asn1_NOVALUE}};
command(_, {auditValueRequest, Audit}) ->
    {auditValueReply, {auditResult, {'AuditResult', element(2, Audit), []}}}.

%% The Media descriptor with the Locals asked for, their CHOOSE filled; nothing when none was asked for.
locals(Tab, Descs) ->
    case [{P, Id} || {mediaDescriptor, {'MediaDescriptor', _, {multiStream, Ss}}} <- Descs,
		     {'StreamDescriptor', Id, P} <- Ss, element(3, P) =/= asn1_NOVALUE] of
	[] -> asn1_NOVALUE;
	Found -> [{mediaDescriptor, {'MediaDescriptor', asn1_NOVALUE,
				     {multiStream, [stream(Tab, Id, P) || {P, Id} <- Found]}}}]
    end.

stream(Tab, Id, P) ->
    {'LocalRemoteDescriptor', Groups} = element(3, P),
    Local = {'LocalRemoteDescriptor', [fill(Tab, G) || G <- Groups]},
    {'StreamDescriptor', Id, setelement(2, setelement(4, setelement(3, P, Local), asn1_NOVALUE), asn1_NOVALUE)}.

%% The wrong step: a=fingerprint:$ is dropped rather than answered with the gateway's fingerprint.
fill(Tab, Group) ->
    Port = integer_to_list(next(Tab, port)),
    [{'PropertyParm', N, [choose(N, V, Port)], X} || {'PropertyParm', N, [V], X} <- Group,
						     {N, V} =/= {"a", "fingerprint:$"}].

choose("c", V, _) -> lists:flatten(string:replace(V, "$", "127.0.0.1"));
choose("m", V, Port) -> lists:flatten(string:replace(V, "$", Port));
choose("a", "path:" ++ _ = V, Port) -> lists:flatten(string:replace(V, "$", "msrp://127.0.0.1:" ++ Port ++ "/nc;tcp"));
choose(_, V, _) -> V.

%% ---- megaco_user callbacks (user_args: the table of what the MG holds) ----

handle_connect(_, _, _) -> ok.
handle_disconnect(_, _, _, _) -> ok.
handle_syntax_error(_, _, E, _) -> io:format("megaco: syntax error ~p~n", [E]), reply.
handle_message_error(_, _, E, _) -> io:format("megaco: message error ~p~n", [E]), no_reply.
handle_trans_request(_CH, _PV, Actions, Tab) ->
    Replies = [action(Tab, A) || A <- Actions],
    io:format("answered ~b action(s)~n", [length(Replies)]),
    {discard_ack, Replies}.
handle_trans_long_request(_, _, _, _) -> {discard_ack, []}.
handle_trans_reply(_, _, _, _, _) -> ok.
handle_trans_ack(_, _, _, _, _) -> ok.
handle_unexpected_trans(_, _, T, _) -> io:format("megaco: unexpected transaction ~p~n", [T]), ok.
handle_trans_request_abort(_, _, _, _, _) -> ok.
handle_segment_reply(_, _, _, _, _, _) -> ok.
