#!/usr/bin/env escript
%%! -noshell
%% megaco_mg.escript ENCODING VERSION MG-PORT MGC-PORT MEDIA-ADDRESS FINGERPRINT SECONDS: Erlang/OTP megaco
%% (Debian erlang-megaco) as a media gateway registering with ims-alg over UDP, with megaco's real stack
%% (megaco:start_user, megaco:connect with a preliminary mId, the megaco_udp transport) and its pretty or
%% compact text encoder. It sends ServiceChange Restart at VERSION, then answers what the MGC asks:
%% Add (a context and a termination chosen, the Local's CHOOSE ($) filled with MEDIA-ADDRESS, a port of
%% its own from 46000 up, "sha-256 FINGERPRINT" for a=fingerprint:$ and an MSRP URI for a=path), Modify,
%% Subtract and AuditValue. megaco writes each reply in its own layout: pretty text puts the Local's SDP
%% between "Local { " EOL and EOL HTAB... "}". Prints "--- registration" with the MGC's reply, then each
%% request as megaco decoded it, re-encoded by megaco's compact encoder ("--- request"), and what it
%% answered ("--- reply"). Ends after the first Subtract has been answered ("--- end", exit 0) or after
%% SECONDS (exit 3); exit 2 when the MGC does not answer the registration.
-module(megaco_mg).
-mode(compile).
-export([main/1, handle_connect/3, handle_disconnect/4, handle_syntax_error/4, handle_message_error/4,
	 handle_trans_request/4, handle_trans_long_request/4, handle_trans_reply/5, handle_trans_ack/5,
	 handle_unexpected_trans/4, handle_trans_request_abort/5, handle_segment_reply/6]).

-define(CHOOSE_CONTEXT, 4294967294).

main([Enc, VS, MgPortS, MgcPortS, Addr, Fp, SecondsS]) ->
    V = list_to_integer(VS), MgPort = list_to_integer(MgPortS), MgcPort = list_to_integer(MgcPortS),
    Mod = list_to_atom("megaco_" ++ Enc ++ "_text_encoder"),
    ok = megaco:start(),
    Mid = {ip4Address, {'IP4Address', [127, 0, 0, 1], MgPort}},
    Tab = ets:new(megaco_mg, [public, set]),
    ets:insert(Tab, [{context, 0}, {termination, 0}, {port, 45999}, {main, self()}, {fill, {Addr, Fp}}]),
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {user_args, [Tab]}, {protocol_version, V},
				 {request_timer, {megaco_incr_timer, 500, 2, 0, 3}}]),
    RH = {megaco_receive_handle, Mid, Mod, [], megaco_udp, dynamic},
    {ok, Sup} = megaco_udp:start_transport(),
    {ok, SH, Ctl} = megaco_udp:open(Sup, [{port, MgPort}, {receive_handle, RH}]),
    {ok, Vsn} = application:get_key(megaco, vsn),
    io:format("# megaco ~s, ~s, version ~b~n", [Vsn, Mod, V]),
    Send = megaco_udp:create_send_handle(SH, {127, 0, 0, 1}, MgcPort),
    {ok, CH} = megaco:connect(RH, preliminary_mid, Send, Ctl),
    SC = "Context = - { ServiceChange = ROOT { Services { Method = Restart, Reason = \"901 Cold Boot\", "
	 "Version = " ++ VS ++ " } } }",
    io:format("--- registration~n"),
    case megaco:call(CH, actions(V, SC), []) of
	{PV, {ok, Replies}} -> io:format("~s~n", [text(PV, {transactionReply, reply(PV, {actionReplies, Replies})})]);
	Other -> io:format("~p~n", [Other]), halt(2)
    end,
    io:format("registered~n"),
    Until = erlang:monotonic_time(millisecond) + 1000 * list_to_integer(SecondsS),
    serve(Until).

serve(Until) ->
    Left = max(0, Until - erlang:monotonic_time(millisecond)),
    receive
	{request, PV, Actions, Replies} ->
	    io:format("--- request~n~s~n", [text(PV, {transactionRequest, {'TransactionRequest', 1, Actions}})]),
	    io:format("--- reply~n~s~n", [text(PV, {transactionReply, reply(PV, {actionReplies, Replies})})]),
	    case [x || {'ActionRequest', _, _, _, Cmds} <- Actions,
		       {'CommandRequest', {subtractReq, _}, _, _} <- Cmds] of
		[] -> serve(Until);
		_ -> timer:sleep(200), io:format("--- end~n"), halt(0)
	    end
    after Left -> io:format("--- timed out~n"), halt(3)
    end.

%% megaco's records for the actions of "Transaction = 1 { Body }" at version V, decoded by megaco.
actions(V, Body) ->
    Text = iolist_to_binary(io_lib:format("MEGACO/~b [127.0.0.1]:2944~nTransaction = 1 { ~s }~n", [V, Body])),
    {ok, {'MegacoMessage', _, {'Message', _, _, {transactions, [{transactionRequest, T}]}}}} =
	megaco_pretty_text_encoder:decode_message([], dynamic, Text),
    element(3, T).

reply(3, Result) -> {'TransactionReply', 1, asn1_NOVALUE, Result, asn1_NOVALUE, asn1_NOVALUE};
reply(_, Result) -> {'TransactionReply', 1, asn1_NOVALUE, Result}.

%% A transaction as megaco's compact encoder writes it, under the MGC's mId.
text(V, Transaction) ->
    Msg = {'MegacoMessage', asn1_NOVALUE,
	   {'Message', V, {ip4Address, {'IP4Address', [127, 0, 0, 1], 2945}}, {transactions, [Transaction]}}},
    case megaco_compact_text_encoder:encode_message([], V, Msg) of
	{ok, Bin} -> Bin;
	Error -> io_lib:format("cannot encode ~p: ~p", [Transaction, Error])
    end.

%% ---- answering the MGC ----

next(Tab, Key) -> ets:update_counter(Tab, Key, 1).

action(Tab, {'ActionRequest', Ctx0, _, _, Cmds}) ->
    Ctx = case Ctx0 of ?CHOOSE_CONTEXT -> next(Tab, context); _ -> Ctx0 end,
    {'ActionReply', Ctx, asn1_NOVALUE, asn1_NOVALUE, [command(Tab, C) || {'CommandRequest', C, _, _} <- Cmds]}.

command(Tab, {addReq, {'AmmRequest', [Tid0], Descs}}) ->
    Tid = case Tid0 of
	      {megaco_term_id, true, ["$"]} -> {megaco_term_id, false, ["mg", integer_to_list(next(Tab, termination))]};
	      _ -> Tid0
	  end,
    {addReply, {'AmmsReply', [Tid], locals(Tab, Descs)}};
command(Tab, {modReq, {'AmmRequest', Tids, Descs}}) -> {modReply, {'AmmsReply', Tids, locals(Tab, Descs)}};
command(_, {subtractReq, {'SubtractRequest', Tids, _}}) -> {subtractReply, {'AmmsReply', Tids, asn1_NOVALUE}};
%% An audit (of ROOT's Packages too, which ims-alg asks after registering): nothing to report; this MG
%% offers no package of its own, H.248.14's it among them.
command(_, {auditValueRequest, Audit}) ->
    {auditValueReply, {auditResult, {'AuditResult', element(2, Audit), []}}}.

%% The Media descriptor with only the Local it asked for, its CHOOSE filled; nothing when no Local.
locals(Tab, Descs) ->
    case [{M, S} || {mediaDescriptor, {'MediaDescriptor', _, {multiStream, Ss}}} <- Descs,
		    {'StreamDescriptor', _, P} = S <- Ss, M <- [P], element(3, P) =/= asn1_NOVALUE] of
	[] -> asn1_NOVALUE;
	Found ->
	    [{mediaDescriptor, {'MediaDescriptor', asn1_NOVALUE,
				{multiStream, [stream(Tab, Id, P) || {P, {'StreamDescriptor', Id, _}} <- Found]}}}]
    end.

stream(Tab, Id, P) ->
    {'LocalRemoteDescriptor', Groups} = element(3, P),
    Local = {'LocalRemoteDescriptor', [fill(Tab, G) || G <- Groups]},
    Parms = setelement(2, setelement(4, setelement(3, P, Local), asn1_NOVALUE), asn1_NOVALUE),
    {'StreamDescriptor', Id, Parms}.

fill(Tab, Group) ->
    [{fill, {Addr, Fp}}] = ets:lookup(Tab, fill),
    Port = integer_to_list(next(Tab, port)),
    [{'PropertyParm', N, [choose(N, Value, Addr, Port, Fp)], X} || {'PropertyParm', N, [Value], X} <- Group].

choose("c", Value, Addr, _, _) -> lists:flatten(string:replace(Value, "$", Addr));
choose("m", Value, _, Port, _) -> lists:flatten(string:replace(Value, "$", Port));
choose("a", "fingerprint:$", _, _, Fp) -> "fingerprint:sha-256 " ++ Fp;
choose("a", "path:" ++ _ = Value, Addr, Port, _) ->
    lists:flatten(string:replace(Value, "$", "msrps://" ++ Addr ++ ":" ++ Port ++ "/mg;tcp"));
choose(_, Value, _, _, _) -> Value.

%% ---- megaco_user callbacks (user_args: the table of what the MG holds) ----

handle_connect(_, _, _) -> ok.
handle_disconnect(_, _, _, _) -> ok.
handle_syntax_error(_, _, E, _) -> io:format("megaco: syntax error ~p~n", [E]), reply.
handle_message_error(_, _, E, _) -> io:format("megaco: message error ~p~n", [E]), no_reply.
handle_trans_request(_CH, PV, Actions, Tab) ->
    Replies = [action(Tab, A) || A <- Actions],
    [{main, Main}] = ets:lookup(Tab, main),
    Main ! {request, PV, Actions, Replies},
    {discard_ack, Replies}.
handle_trans_long_request(_, _, _, _) -> {discard_ack, []}.
handle_trans_reply(_, _, _, _, _) -> ok.
handle_trans_ack(_, _, _, _, _) -> ok.
handle_unexpected_trans(_, _, T, _) -> io:format("megaco: unexpected transaction ~p~n", [T]), ok.
handle_trans_request_abort(_, _, _, _, _) -> ok.
handle_segment_reply(_, _, _, _, _, _) -> ok.
