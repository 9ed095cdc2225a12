#!/usr/bin/env escript
%%! -noshell
%% SPDX-License-Identifier: GPL-3.0-or-later
%% megaco_ber_mgc.escript RESOLVER.erl MGC-PORT: Erlang/OTP megaco (Debian erlang-megaco) as the MGC of
%% ims-agw over UDP in the binary encoding (H.248.1 Annex A): its real stack, megaco:start_user, the
%% megaco_udp transport and megaco_ber_encoder, with the name resolver RESOLVER.erl for the packages and
%% termination ids megaco's own resolver does not know (tests/integration/megaco_ber_resolver.erl). It
%% waits for the gateway's ServiceChange (which must come in binary: megaco reads nothing else on this
%% handle), answers it at version 3, then sends seed 004's requests with megaco:call. Each request is
%% written below as H.248 text, decoded by megaco's text decoder into its records, and goes on the wire as
%% megaco's BER of those records. Prints, per request, "--- NAME" and the reply megaco decoded from the
%% gateway's binary, re-encoded by megaco's compact text encoder (transaction id 1, the gateway's mId): the
%% caller compares that with its expectations.
%% Exits 0 after the last reply, 2 when the gateway did not register, 3 when a request got no reply.
-module(megaco_ber_mgc).
-mode(compile).
-export([main/1, handle_connect/3, handle_disconnect/4, handle_syntax_error/4, handle_message_error/4,
	 handle_trans_request/4, handle_trans_long_request/4, handle_trans_reply/5, handle_trans_ack/5,
	 handle_unexpected_trans/4, handle_trans_request_abort/5, handle_segment_reply/6]).

-define(FP, "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF").

requests() ->
    [{"add core (Local with CHOOSE)",
      "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { Mode = SendReceive, ipdc/realm = core },"
      " Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n} } },"
      " Events = 1 { hangterm/thb, tcpbcc/fail } } }"},
     {"add access TCP/TLS/MSRP (Local CHOOSE, fingerprint asked)",
      "Context = 1 { Add = $ { Media { Stream = 1 { LocalControl { Mode = SendReceive, ipdc/realm = access },"
      " Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:passive\na=fingerprint:$\n},"
      " Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 2855 TCP/TLS/MSRP *\na=setup:active\n"
      "a=fingerprint:sha-256 " ?FP "\n} } }, Events = 2 { tlsbsc/fail, tcpbcc/fail } } }"},
     {"modify core (Remote, filters)",
      "Context = 1 { Modify = co/1 { Media { Stream = 1 { LocalControl { gm/saf = on, gm/spf = on },"
      " Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 2856 TCP/MSRP *\na=setup:active\n} } } } }"},
     {"modify access (Mode)",
      "Context = 1 { Modify = ac/2 { Media { Stream = 1 { LocalControl { Mode = ReceiveOnly } } } } }"},
     {"auditvalue ROOT packages", "Context = - { AuditValue = ROOT { Audit { Packages } } }"},
     {"unknown context", "Context = 99 { Modify = co/1 }"},
     {"subtract (Statistics)", "Context = 1 { Subtract = * }"},
     {"after subtract", "Context = 1 { Modify = co/1 }"}].

main([Resolver, PortS]) ->
    Port = list_to_integer(PortS),
    {ok, RMod, Bin} = compile:file(Resolver, [binary, report]),
    {module, RMod} = code:load_binary(RMod, Resolver, Bin),
    Conf = [{binary_name_resolver, {RMod, []}}],
    ok = megaco:start(),
    Mid = {ip4Address, {'IP4Address', [127, 0, 0, 1], Port}},
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {user_args, [self()]}, {protocol_version, 3},
				 {reply_timer, 3000}, {request_timer, {megaco_incr_timer, 500, 2, 0, 3}}]),
    %% version 3, not dynamic: megaco's BER decoder reads a dynamic message with its v2 records
    RH = {megaco_receive_handle, Mid, megaco_ber_encoder, Conf, megaco_udp, 3},
    {ok, Sup} = megaco_udp:start_transport(),
    {ok, _, _} = megaco_udp:open(Sup, [{port, Port}, {receive_handle, RH}]),
    {ok, Vsn} = application:get_key(megaco, vsn),
    io:format("# megaco ~s, megaco_ber_encoder, version 3~n", [Vsn]),
    io:format("listening~n"),
    CH = receive {connected, C} -> C after 15000 -> io:format("no connection~n"), halt(2) end,
    receive {registered, SC} -> io:format("--- registration~n~s~n", [SC]) after 15000 -> halt(2) end,
    %% the callback tells us before megaco sends its reply: a request sent at once could overtake it
    timer:sleep(300),
    [call(CH, Name, Text) || {Name, Text} <- requests()],
    io:format("--- end~n"),
    halt(0).

%% Decodes H.248 text with megaco and takes its one transaction's actions.
decode(Body) ->
    Text = iolist_to_binary(io_lib:format("MEGACO/3 [127.0.0.1]:2945~n~s~n", [Body])),
    case megaco_pretty_text_encoder:decode_message([], dynamic, Text) of
	{ok, {'MegacoMessage', _, {'Message', _, _, {transactions, [{_, T}]}}}} -> T;
	Error -> io:format("cannot decode our own request ~s: ~p~n", [Text, Error]), halt(4)
    end.

%% The reply as megaco's compact encoder writes it, under the gateway's mId.
reply_text(Result) ->
    Mid = {ip4Address, {'IP4Address', [127, 0, 0, 1], 2944}},
    TR = {'TransactionReply', 1, asn1_NOVALUE, Result, asn1_NOVALUE, asn1_NOVALUE},
    Msg = {'MegacoMessage', asn1_NOVALUE, {'Message', 3, Mid, {transactions, [{transactionReply, TR}]}}},
    case megaco_compact_text_encoder:encode_message([], 3, Msg) of
	{ok, Bin} -> Bin;
	Error -> io_lib:format("cannot encode ~p: ~p", [Result, Error])
    end.

call(CH, Name, Text) ->
    {'TransactionRequest', _, Actions} = decode("Transaction = 1 { " ++ Text ++ " }"),
    io:format("--- ~s~n", [Name]),
    case megaco:call(CH, Actions, []) of
	{_, {error, {'ErrorDescriptor', _, _} = E}} -> io:format("~s~n", [reply_text({transactionError, E})]);
	{PV, {error, Reason}} -> io:format("version ~p: error ~p~n", [PV, Reason]), halt(3);
	{_, {ok, Replies}} -> io:format("~s~n", [reply_text({actionReplies, Replies})]);
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
handle_trans_request(_CH, _PV, Actions, _Main) ->
    io:format("megaco: unexpected request ~p~n", [Actions]),
    {discard_ack, {'ErrorDescriptor', 500, "not expected by the test"}}.
handle_trans_long_request(_, _, _, _) -> {discard_ack, []}.
handle_trans_reply(_, _, _, _, _) -> ok.
handle_trans_ack(_, _, _, _, _) -> ok.
handle_unexpected_trans(_, _, T, _) -> io:format("megaco: unexpected transaction ~p~n", [T]), ok.
handle_trans_request_abort(_, _, _, _, _) -> ok.
handle_segment_reply(_, _, _, _, _, _) -> ok.
