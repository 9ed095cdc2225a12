#!/usr/bin/env escript
%%! -noshell
%% h248-malformed.escript: Erlang/OTP megaco's verdicts for tests/integration/h248-malformed.sh.
%%   decode FILE...                one line per file: "FILE pretty=ok|error compact=ok|error", from
%%                                 megaco_pretty_text_encoder and megaco_compact_text_encoder decoding
%%                                 the file in the version its header claims (dynamic)
%%   same ORIGINAL COPY COPY...    in threes: one line per COPY, "COPY same" when megaco decodes it to
%%                                 the very records it decodes its ORIGINAL to, else "COPY differs" or
%%                                 "COPY undecodable" (tests/integration/megaco-codec.sh)
%%   mgc PORT AGW-PORT FILE...     plays ims-agw's MGC on 127.0.0.1:PORT (UDP): answers the gateway's
%%                                 ServiceChange, sends each FILE as one message, and decodes every
%%                                 message the gateway sends back within 1 s (the first one per file)
%%                                 with megaco's text decoder; one line per file: "FILE decodes: error
%%                                 CODE" (the first Error descriptor's code, or none), "FILE
%%                                 UNDECODABLE: <text>", or "FILE no answer". A Notify is answered. Exit 1 when not registered in 10 s.
main(["decode" | Files]) ->
    [io:format("~s pretty=~s compact=~s~n", [F, verdict(megaco_pretty_text_encoder, F),
                                             verdict(megaco_compact_text_encoder, F)]) || F <- Files],
    ok;
main(["same", Original, P, C | More]) ->
    {ok, Want} = decode_file(Original),
    [io:format("~s ~s~n", [F, case decode_file(F) of
                                  {ok, Want} -> "same";
                                  {ok, _} -> "differs";
                                  _ -> "undecodable"
                              end]) || F <- [P, C]],
    main(["same" | More]);
main(["same"]) ->
    ok;
main(["mgc", Port, AgwPort | Files]) ->
    {ok, S} = gen_udp:open(list_to_integer(Port), [binary, {ip, {127, 0, 0, 1}}, {active, false}]),
    Agw = list_to_integer(AgwPort),
    case register(S, Agw, erlang:monotonic_time(millisecond) + 10000) of
        ok -> [exchange(S, Agw, F) || F <- Files], ok;
        timeout -> io:format("the gateway did not register~n"), halt(1)
    end.

verdict(Mod, File) ->
    {ok, Bin} = file:read_file(File),
    case catch Mod:decode_message([], dynamic, Bin) of
        {ok, _} -> "ok";
        _ -> "error"
    end.

decode_file(File) ->
    {ok, Bin} = file:read_file(File),
    decode(Bin).

decode(Bin) ->
    Mod = case Bin of <<"!", _/binary>> -> megaco_compact_text_encoder; _ -> megaco_pretty_text_encoder end,
    catch Mod:decode_message([], dynamic, Bin).

%% The gateway's ServiceChange (decoded by megaco) answered with Version = 3.
register(S, Agw, Deadline) ->
    Left = Deadline - erlang:monotonic_time(millisecond),
    case Left > 0 andalso gen_udp:recv(S, 0, Left) of
        {ok, {_, Agw, Bin}} ->
            case decode(Bin) of
                {ok, {'MegacoMessage', _, {'Message', _, _, {transactions, [{transactionRequest, T} | _]}}}} ->
                    Tid = element(2, T),
                    Reply = io_lib:format("MEGACO/3 [127.0.0.1]:2944\nReply = ~b { Context = - { "
                                          "ServiceChange = ROOT { Services { Version = 3 } } } }\n", [Tid]),
                    ok = gen_udp:send(S, {127, 0, 0, 1}, Agw, Reply),
                    ok;
                _ -> register(S, Agw, Deadline)
            end;
        {ok, _} -> register(S, Agw, Deadline);
        _ -> timeout
    end.

exchange(S, Agw, File) ->
    {ok, Bin} = file:read_file(File),
    ok = gen_udp:send(S, {127, 0, 0, 1}, Agw, Bin),
    answer(S, Agw, File).

%% The gateway's answer to File; its acknowledgements of our Replies (a TransactionResponseAck alone,
%% sent some milliseconds after the Reply) are no answer and are skipped.
answer(S, Agw, File) ->
    case gen_udp:recv(S, 0, 1000) of
        {ok, {_, Agw, Answer}} ->
            Decoded = decode(Answer),
            case only_acks(Decoded) orelse Decoded of
                true -> answer(S, Agw, File);
                {ok, Msg} ->
                    io:format("~s decodes: error ~s~n", [filename:basename(File), error_code(Msg)]),
                    answer_notify(S, Agw, Msg);
                _ -> io:format("~s UNDECODABLE: ~p~n", [filename:basename(File), Answer])
            end;
        _ -> io:format("~s no answer~n", [filename:basename(File)])
    end.

only_acks({ok, {'MegacoMessage', _, {'Message', _, _, {transactions, [_ | _] = Ts}}}}) ->
    lists:all(fun({transactionResponseAck, _}) -> true; (_) -> false end, Ts);
only_acks(_) -> false.

%% The code of the first Error descriptor in a decoded message, "none" without one.
error_code(Msg) ->
    case find_error([Msg]) of none -> "none"; Code -> integer_to_list(Code) end.

find_error([]) -> none;
find_error([{'ErrorDescriptor', Code, _} | _]) -> Code;
find_error([T | Rest]) when is_tuple(T) -> find_error(tuple_to_list(T) ++ Rest);
find_error([L | Rest]) when is_list(L) -> find_error(L ++ Rest);
find_error([_ | Rest]) -> find_error(Rest).

answer_notify(S, Agw, {'MegacoMessage', _, {'Message', _, _, {transactions, Ts}}}) ->
    [gen_udp:send(S, {127, 0, 0, 1}, Agw,
                  io_lib:format("MEGACO/3 [127.0.0.1]:2944\nReply = ~b { Context = - { Notify = ROOT } }\n",
                                [element(2, T)]))
     || {transactionRequest, T} <- Ts],
    ok;
answer_notify(_, _, _) -> ok.
