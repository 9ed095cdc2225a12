#!/usr/bin/env escript
%%! -noshell
%% megaco_restart.escript MGC-PORT: Erlang/OTP megaco (its own stack, UDP transport and text codecs) as
%% an MGC that loses what it knew of the gateway's contexts without the gateway being told, as a restarted
%% MGC does (issue 25, item 2). It registers ims-agw (Version 3), has it make a context whose termination
%% sends a heartbeat (hangterm/thb, timerx = 1 s), then forgets that context: the next Notify about it
%% is answered, as a restarted MGC answers it, with the transaction error 411 "unknown context". ims-agw
%% must take that as the association lost and register again with Method = Disconnected; then the MGC
%% audits context 1 (still held: H.248.1 §11.5 leaves it to the MGC), subtracts every context, and
%% audits context 1 again (gone). Prints "--- NAME" and, for each reply, what megaco decoded, re-encoded
%% by megaco's compact encoder (transaction id 1, the gateway's mId). Exits 0 at the end, 2 when the
%% gateway did not register (again), 3 when a request got no reply or no Notify came.
-module(megaco_restart).
-mode(compile).
-export([main/1, handle_connect/3, handle_disconnect/4, handle_syntax_error/4, handle_message_error/4,
	 handle_trans_request/4, handle_trans_long_request/4, handle_trans_reply/5, handle_trans_ack/5,
	 handle_unexpected_trans/4, handle_trans_request_abort/5, handle_segment_reply/6]).

-define(ADD, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { Mode = SendReceive, "
	     "ipdc/realm = core }, Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n} } }, "
	     "Events = 1 { hangterm/thb { timerx = 1 } } } }").

main([PortS]) ->
    Port = list_to_integer(PortS),
    ok = megaco:start(),
    Mid = {ip4Address, {'IP4Address', [127, 0, 0, 1], Port}},
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {user_args, [self()]}, {protocol_version, 3},
				 {reply_timer, 3000}, {request_timer, {megaco_incr_timer, 500, 2, 0, 3}}]),
    RH = {megaco_receive_handle, Mid, megaco_pretty_text_encoder, [], megaco_udp, dynamic},
    {ok, Sup} = megaco_udp:start_transport(),
    {ok, _, _} = megaco_udp:open(Sup, [{port, Port}, {receive_handle, RH}]),
    knows(true),
    io:format("listening~n"),
    CH = receive {connected, C} -> C after 15000 -> io:format("no connection~n"), halt(2) end,
    await_registration(),
    call(CH, "add core with a heartbeat every second", ?ADD),
    knows(false), %% the restart, which the gateway is not told of
    receive {refused, Cid} -> io:format("--- a Notify about context ~b answered 411~n", [Cid])
    after 5000 -> io:format("no Notify~n"), halt(3) end,
    await_registration(),
    call(CH, "audit context 1 (held until the MGC subtracts it)", "Context = 1 { AuditValue = * { Audit { } } }"),
    call(CH, "subtract every context", "Context = * { Subtract = * }"),
    call(CH, "audit context 1 again", "Context = 1 { AuditValue = * { Audit { } } }"),
    io:format("--- end~n"),
    halt(0).

knows(Yes) -> persistent_term:put(megaco_restart_knows, Yes).

await_registration() ->
    receive {registered, SC} -> io:format("--- registration~n~s~n", [SC])
    after 15000 -> io:format("no registration~n"), halt(2) end,
    knows(true),
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
				 [{'CommandRequest', {notifyReq, {'NotifyRequest', Tids, _, _}}, _, _}]}], Main) ->
    case persistent_term:get(megaco_restart_knows) of
	true ->
	    {discard_ack, [{'ActionReply', Cid, asn1_NOVALUE, asn1_NOVALUE,
			    [{notifyReply, {'NotifyReply', Tids, asn1_NOVALUE}}]}]};
	false ->
	    Main ! {refused, Cid},
	    {discard_ack, {'ErrorDescriptor', 411, "unknown context " ++ integer_to_list(Cid)}}
    end;
handle_trans_request(_CH, _PV, Actions, _Main) ->
    io:format("megaco: unexpected request ~p~n", [Actions]),
    {discard_ack, {'ErrorDescriptor', 500, "not expected by the test"}}.
handle_trans_long_request(_, _, _, _) -> {discard_ack, []}.
handle_trans_reply(_, _, _, _, _) -> ok.
handle_trans_ack(_, _, _, _, _) -> ok.
handle_unexpected_trans(_, _, T, _) -> io:format("megaco: unexpected transaction ~p~n", [T]), ok.
handle_trans_request_abort(_, _, _, _, _) -> ok.
handle_segment_reply(_, _, _, _, _, _) -> ok.
