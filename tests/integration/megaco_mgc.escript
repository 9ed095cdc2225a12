#!/usr/bin/env escript
%%! -noshell
%% megaco_mgc.escript ENCODING VERSION MGC-PORT: Erlang/OTP megaco (Debian erlang-megaco) as the MGC of
%% ims-agw over UDP, its real stack: megaco:start_user, the megaco_udp transport, megaco's pretty or
%% compact text encoder (the compact one with megaco's flex scanner when it is built). It waits for the
%% gateway's ServiceChange, answers it with Version = VERSION, then sends seed 004's requests with
%% megaco:call (megaco lays each out in its own way: pretty text indents the '}' closing a Local or
%% Remote and writes the SDP with CRLF after a line end). Each request is written below as H.248 text and
%% decoded by megaco into its records, so what goes on the wire is megaco's encoding, not ours.
%% Prints, per request, "--- NAME" and the reply megaco decoded, re-encoded by megaco's compact encoder
%% (transaction id 1, the gateway's mId): the caller compares that with its expectations.
%% Exits 0 after the last reply, 2 when the gateway did not register, 3 when a request got no reply.
-module(megaco_mgc).
-mode(compile).
-export([main/1, handle_connect/4, handle_disconnect/5, handle_syntax_error/5, handle_message_error/5,
	 handle_trans_request/5, handle_trans_long_request/5, handle_trans_reply/6, handle_trans_ack/6,
	 handle_unexpected_trans/5, handle_trans_request_abort/6, handle_segment_reply/7]).

-define(CORE_LOCAL, "v=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n").
-define(FP, "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF").

requests() ->
    [{"add core (Local with CHOOSE)",
      "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { Mode = SendReceive, ipdc/realm = core },"
      " Local {\n" ?CORE_LOCAL "} } }, Events = 1 { hangterm/thb, tcpbcc/fail } } }"},
     {"add access TCP/TLS/MSRP (Remote with fingerprint)",
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
     {"auditvalue context 1", "Context = 1 { AuditValue = * { Audit { Media, Events } } }"},
     {"refusals",
      "Context = 1 { O-Modify = co/77, O-Add = $ { Media { Stream = 1 { Local {\nv=0\nc=IN IP4 $\n"
      "m=message $ SCTP/MSRP *\n} } } }, Modify = co/1 { Media { Stream = 1 { Local {\nv=0\n"
      "m=message port TCP *\n} } } } }"},
     {"unknown context", "Context = 99 { Modify = co/1 }"},
     {"empty Local releases", "Context = 1 { Modify = ac/2 { Media { Stream = 1 { Local { } } } } }"},
     {"subtract (Statistics)", "Context = 1 { Subtract = * }"},
     {"after subtract", "Context = 1 { Modify = co/1 }"}].

main([Enc, VS, PortS]) ->
    V = list_to_integer(VS), Port = list_to_integer(PortS),
    {Mod, Conf, Scanner} = encoding(Enc),
    ok = megaco:start(),
    Mid = {ip4Address, {'IP4Address', [127, 0, 0, 1], Port}},
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {user_args, [self(), V]}, {protocol_version, V},
				 {reply_timer, 3000}, {request_timer, {megaco_incr_timer, 500, 2, 0, 3}}]),
    RH = {megaco_receive_handle, Mid, Mod, Conf, megaco_udp, dynamic},
    {ok, Sup} = megaco_udp:start_transport(),
    {ok, _, _} = megaco_udp:open(Sup, [{port, Port}, {receive_handle, RH}]),
    io:format("# megaco ~s, ~s ~s, version ~b~n", [vsn(), Mod, Scanner, V]),
    io:format("listening~n"),
    CH = receive {connected, C} -> C after 15000 -> io:format("no connection~n"), halt(2) end,
    receive {registered, SC} -> io:format("--- registration~n~s~n", [SC]) after 15000 -> halt(2) end,
    %% the callback tells us before megaco sends its reply: a request sent at once can reach ims-agw
    %% before that reply and be answered 505 (seen in one distcheck run under load)
    timer:sleep(300),
    [call(CH, V, Name, Text) || {Name, Text} <- requests()],
    io:format("--- end~n"),
    halt(0).

vsn() ->
    {ok, Vsn} = application:get_key(megaco, vsn),
    Vsn.

%% The pretty encoder with megaco's Erlang scanner; the compact one with its flex scanner when built.
encoding("pretty") -> {megaco_pretty_text_encoder, [], "erlang scanner"};
encoding("compact") ->
    case catch megaco_flex_scanner:start() of
	{ok, Flex} -> {megaco_compact_text_encoder, [{flex, Flex}], "flex scanner"};
	_ -> {megaco_compact_text_encoder, [], "erlang scanner"}
    end.

%% Decodes H.248 text (at version V) with megaco and takes its one transaction's actions.
decode(V, Body) ->
    Text = iolist_to_binary(io_lib:format("MEGACO/~b [127.0.0.1]:2945~n~s~n", [V, Body])),
    case megaco_pretty_text_encoder:decode_message([], dynamic, Text) of
	{ok, {'MegacoMessage', _, {'Message', _, _, {transactions, [{_, T}]}}}} -> T;
	Error -> io:format("cannot decode our own request ~s: ~p~n", [Text, Error]), halt(4)
    end.

%% The reply as megaco's compact encoder writes it, under the gateway's mId.
reply_text(V, Result) ->
    Mid = {ip4Address, {'IP4Address', [127, 0, 0, 1], 2944}},
    TR = case V of
	     3 -> {'TransactionReply', 1, asn1_NOVALUE, Result, asn1_NOVALUE, asn1_NOVALUE};
	     _ -> {'TransactionReply', 1, asn1_NOVALUE, Result}
	 end,
    Msg = {'MegacoMessage', asn1_NOVALUE, {'Message', V, Mid, {transactions, [{transactionReply, TR}]}}},
    case megaco_compact_text_encoder:encode_message([], V, Msg) of
	{ok, Bin} -> Bin;
	Error -> io_lib:format("cannot encode ~p: ~p", [Result, Error])
    end.

call(CH, V, Name, Text) ->
    {'TransactionRequest', _, Actions} = decode(V, "Transaction = 1 { " ++ Text ++ " }"),
    io:format("--- ~s~n", [Name]),
    case megaco:call(CH, Actions, []) of
	{PV, {error, {'ErrorDescriptor', _, _} = E}} ->
	    io:format("~s~n", [reply_text(PV, {transactionError, E})]);
	{PV, {error, Reason}} -> io:format("version ~p: error ~p~n", [PV, Reason]), halt(3);
	{PV, {ok, Replies}} -> io:format("~s~n", [reply_text(PV, {actionReplies, Replies})]);
	Other -> io:format("~p~n", [Other]), halt(3)
    end.

%% ---- megaco_user callbacks (user_args: the main process, the version to agree) ----

handle_connect(CH, _PV, Main, _V) -> Main ! {connected, CH}, ok.
handle_disconnect(_, _, _, _, _) -> ok.
handle_syntax_error(_, _, E, _, _) -> io:format("megaco: syntax error ~p~n", [E]), reply.
handle_message_error(_, _, E, _, _) -> io:format("megaco: message error ~p~n", [E]), no_reply.
handle_trans_request(_CH, _PV, [{'ActionRequest', 0, _, _, [{'CommandRequest', {serviceChangeReq, R}, _, _}]}],
		     Main, V) ->
    {'ServiceChangeRequest', Tids, Parm} = R,
    {Method, Version, {'ServiceChangeProfile', Profile, PV}, [Reason]} =
	{element(2, Parm), element(4, Parm), element(5, Parm), element(6, Parm)},
    Names = [string:join(Id, "/") || {megaco_term_id, _, Id} <- Tids],
    Main ! {registered, io_lib:format("ServiceChange = ~s Method = ~s, Version = ~b, Profile = ~s/~b, "
				      "Reason = \"~s\"", [Names, Method, Version, Profile, PV, Reason])},
    Res = {serviceChangeResParms, {'ServiceChangeResParm', asn1_NOVALUE, asn1_NOVALUE, V, asn1_NOVALUE,
				   asn1_NOVALUE}},
    {discard_ack, [{'ActionReply', 0, asn1_NOVALUE, asn1_NOVALUE,
		    [{serviceChangeReply, {'ServiceChangeReply', Tids, Res}}]}]};
handle_trans_request(_CH, _PV, Actions, _Main, _V) ->
    io:format("megaco: unexpected request ~p~n", [Actions]),
    {discard_ack, {'ErrorDescriptor', 500, "not expected by the test"}}.
handle_trans_long_request(_, _, _, _, _) -> {discard_ack, []}.
handle_trans_reply(_, _, _, _, _, _) -> ok.
handle_trans_ack(_, _, _, _, _, _) -> ok.
handle_unexpected_trans(_, _, T, _, _) -> io:format("megaco: unexpected transaction ~p~n", [T]), ok.
handle_trans_request_abort(_, _, _, _, _, _) -> ok.
handle_segment_reply(_, _, _, _, _, _, _) -> ok.
