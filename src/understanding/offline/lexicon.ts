/**
 * The offline annotator's own lexicons, in en, es, pt, fr, de, it, nl, tr and pl. Written lowercase and
 * without accents (see text.ts); a trailing `*` is a prefix. Lists are merged across languages on purpose:
 * customers mix languages ("mi login no funciona") and a short text's language is often uncertain.
 * Keep each list to words a support agent would agree on; the evaluation set (test/eval) measures them.
 */

/** Fraud, account takeover, security, outages, safety and legal threats: always P0. */
export const HIGH_RISK = [
  // en
  "fraud*", "hacked", "hacker*", "stolen", "stole", "unauthori*", "didn't make", "did not make", "didn't authori*", "did not authori*", "not authori*", "don't recognize", "do not recognise",
  "someone accessed", "someone logged", "someone else", "identity theft", "data leak", "data breach", "breach", "phishing",
  "outage", "is down", "are down", "all down", "no customer can", "no customers can", "everything is down", "nobody can", "none of our", "all our customers", "production down",
  "lawyer*", "attorney", "sue you", "i will sue", "legal action", "court", "police", "emergency", "danger*", "injur*", "smoke", "unsafe",
  // es
  "fraude*", "hackear*", "alguien entro", "alguien accedio", "alguien uso", "hackeado*", "robaron", "robo", "me robaron", "no reconozco", "sin autorizacion", "sin mi autorizacion", "suplantacion",
  "caido", "caida", "esta caido", "esta caida", "nadie puede", "ningun cliente", "abogado*", "denuncia*", "demanda*", "policia", "emergencia", "peligro*", "incendio",
  // pt
  "hackead*", "invadi*", "alguem entrou", "alguem acessou", "alguem usou", "roubaram", "roubo", "golpe", "golpista*", "nao reconheco", "sem autorizacao", "sem minha autorizacao", "clonad*",
  "fora do ar", "ninguem consegue", "nenhum cliente", "advogado*", "processar", "processo judicial", "procon", "policia", "emergencia", "perigo*",
  // fr
  "pirate*", "piratage", "vole", "volee", "je ne reconnais pas", "non autorise*", "usurpation", "en panne", "hors service", "plus personne ne peut",
  "avocat*", "plainte", "porter plainte", "tribunal", "urgence", "danger*", "incendie", "fuite de donnees",
  // de
  "betrug*", "gehackt", "gestohlen", "nicht autorisiert", "unbefugt*", "nicht erkenne", "erkenne ich nicht", "ausgefallen", "komplett down", "geht gar nichts", "kein kunde",
  "anwalt*", "anzeige", "klage*", "gericht", "polizei", "notfall", "gefahr*", "datenleck",
  // it
  "frode*", "e down", "tutto down", "nessun cliente", "hackerat*", "rubat*", "non riconosco", "non autorizzat*", "furto", "nessuno riesce", "avvocat*", "denuncia*",
  "polizia", "emergenza", "pericol*", "incendio", "fuga di dati",
  // nl
  "fraude*", "gehackt", "gestolen", "herken ik niet", "niet herken", "onbevoegd*", "storing", "ligt plat", "ligt eruit", "niemand kan", "geen enkele klant",
  "advocaat*", "aangifte", "rechter", "politie", "noodgeval", "gevaar*", "datalek",
  // tr
  "dolandiricilik*", "hackle*", "hacklen*", "hicbir musteri", "calindi", "calinmis", "yetkisiz", "tanimadigim", "cokmus", "coktu tamamen", "kimse giremiyor", "avukat*", "dava*",
  "polis", "acil durum", "tehlike*", "yangin", "veri sizintisi",
  // pl
  "oszustw*", "zhakowan*", "wlamanie", "wlamal*", "zaden klient", "ukradzion*", "ukradl*", "nieautoryzowan*", "nie rozpoznaje", "awaria", "nikt nie moze",
  "prawnik*", "pozew", "pozwe", "policj*", "niebezpiecz*", "pozar", "wyciek danych",
  // done without the customer's consent, someone else in the account, impersonation (phishing in our name)
  "without my consent", "without my permission", "without my authori*", "without my approval", "someone is using my account", "logins from",
  "pretending to be you", "in your name", "sin mi consentimiento", "sin mi permiso", "no autorice", "alguien esta usando", "en vuestro nombre",
  "en su nombre", "se hace pasar", "sem minha permissao", "sem meu consentimento", "nao autorizei", "em nome de voces", "em nome da empresa",
  "se passando por", "sans mon accord", "sans mon autorisation", "sans mon consentement", "en votre nom", "a votre nom", "se faisant passer",
  "ohne meine zustimmung", "ohne meine erlaubnis", "nicht autorisiert habe", "in ihrem namen", "in eurem namen", "senza la mia autorizzazione",
  "senza il mio consenso", "a nome vostro", "a vostro nome", "zonder mijn toestemming", "namens jullie", "onayim olmadan", "iznim olmadan",
  "sizin adiniza", "bez mojej zgody", "bez mojej wiedzy", "w waszym imieniu", "podszywa*",
];

export const ACCOUNT_ACCESS = [
  "log in", "login", "log into", "logged out", "sign in", "signin", "password", "locked", "locked out", "blocked account", "account blocked",
  "account suspended", "account disabled", "2fa", "two factor", "verification code", "security code", "otp", "reset link", "access my account",
  "into my account", "username", "blocked", "suspended", "bloquead*", "suspendid*", "bloque", "bloquee", "kilitli", "kilitlendi",
  "contrasena", "clave", "iniciar sesion", "inicio de sesion", "entrar a mi cuenta", "entrar en mi cuenta", "acceder a mi cuenta", "cuenta bloqueada",
  "cuenta suspendida", "codigo de verificacion", "el codigo", "usuario",
  "senha", "entrar na minha conta", "acessar minha conta", "acessar a conta", "conta bloqueada", "conta suspensa", "codigo de verificacao", "o codigo",
  "mot de passe", "me connecter", "connexion", "identifiant", "compte bloque", "compte suspendu", "acceder a mon compte", "code de verification", "le code",
  "passwort", "kennwort", "anmelden", "anmeldung", "einloggen", "login", "konto gesperrt", "gesperrt", "zugang", "bestatigungscode", "den code", "benutzername",
  "accedere", "accesso", "account bloccato", "bloccato", "codice di verifica", "il codice", "nome utente",
  "wachtwoord", "inloggen", "log niet in", "account geblokkeerd", "geblokkeerd", "verificatiecode", "de code",
  "sifre*", "giris yap*", "giris yapamiyorum", "hesabima gir*", "hesabim kilit*", "hesap kilit*", "dogrulama kodu", "kod gelmiyor",
  "haslo", "hasla", "haslem", "zalogowac", "zaloguj*", "logowanie", "logowaniem", "konto zablokowane", "zablokowan*", "kod weryfikacyjny", "kodu",
];

export const TRANSACTION = [
  "payment*", "paid", "pay", "charged", "charge", "refund*", "transfer*", "transaction*", "money", "card declined", "declined", "invoice",
  "billed", "debited", "deposit", "withdraw*", "order", "package", "parcel", "delivery", "delivered", "shipped", "subscription", "balance",
  "pago", "pague", "cobro", "cobraron", "cobrado", "cobrar", "reembolso", "devolucion", "transferencia", "dinero", "tarjeta rechazada", "rechazad*",
  "factura", "pedido", "paquete", "envio", "entrega", "suscripcion", "saldo", "cargo",
  "pagamento", "paguei", "cobrad*", "cobraram", "reembolso", "estorno", "transferencia", "dinheiro", "pix", "boleto", "cartao recusado", "recusad*",
  "fatura", "encomenda", "entrega", "assinatura", "saldo",
  "paiement", "paye", "payee", "preleve*", "debite*", "rembours*", "virement", "argent", "carte refusee", "refuse*", "facture", "commande", "colis",
  "livraison", "abonnement", "solde",
  "zahlung", "bezahlt", "abgebucht", "abbuchung", "ruckerstattung", "erstattung", "uberweisung", "geld", "karte abgelehnt", "abgelehnt", "rechnung",
  "bestellung", "paket", "lieferung", "geliefert", "abo", "guthaben",
  "pagamento", "pagato", "addebit*", "rimborso", "bonifico", "soldi", "carta rifiutata", "rifiutat*", "fattura", "ordine", "pacco", "consegna",
  "abbonamento",
  "betaling", "betaald", "afgeschreven", "terugbetaling", "overboeking", "geld", "kaart geweigerd", "geweigerd", "factuur", "bestelling", "pakket",
  "levering", "geleverd", "abonnement", "saldo",
  "odeme*", "odedim", "param", "iade", "havale", "kart reddedildi", "reddedildi", "fatura", "siparis*", "kargo", "teslimat", "ucret*",
  "cekildi", "abonelik", "bakiye",
  "platnosc", "platnosci", "zaplacil*", "pobrano", "pobral*", "zwrot*", "przelew*", "pieniadze", "pieniedzy", "karta odrzucona", "odrzucon*",
  "faktur*", "zamowieni*", "paczk*", "dostaw*", "subskrypcj*", "saldo",
  // deliveries: couriers and "delivered" in each language
  "courier", "carrier", "tracking", "repartidor", "entreg*", "transportadora", "livreur", "zugestellt", "sendungsverfolgung", "zusteller",
  "corriere", "consegnato", "bezorger", "afgeleverd", "teslim*", "kurier*", "doreczyl*", "belastet", "storniert",
];

/** Within a transaction problem, these mean money already lost or stuck: P1 rather than P2. */
export const MONEY_LOST = [
  "charged twice", "double charged", "charged me twice", "twice", "double", "money is gone", "money disappeared", "took my money", "still no refund",
  "haven't received my refund", "never received", "debited", "charged", "missing money",
  "dos veces", "cobraron dos", "cobro doble", "doble cobro", "me cobraron", "mi dinero", "no me devolvieron", "no llego el dinero", "descontaron",
  "duas vezes", "cobrado duas", "cobranca duplicada", "me cobraram", "meu dinheiro", "nao caiu", "descontado", "debitado",
  "deux fois", "preleve deux", "debite deux", "mon argent", "toujours pas rembourse", "pas recu l'argent", "debite", "preleve",
  "zweimal", "doppelt", "mein geld", "abgebucht", "nicht erstattet", "geld ist weg",
  "due volte", "doppio addebito", "i miei soldi", "addebitato", "addebitati", "non rimborsato",
  "twee keer", "dubbel", "mijn geld", "afgeschreven", "niet terugbetaald",
  "iki kez", "iki defa", "cift cekim", "param", "cekildi", "iade edilmedi", "kesildi",
  "dwa razy", "podwojnie", "moje pieniadze", "pobrano", "pobrali", "nie zwrocono", "zniknely",
  "belastet", "money left", "dinero salio", "abgezogen", "detratto",
];

export const BUG = [
  "error", "bug", "crash*", "nothing works", "nothing is working", "doesn't work", "does not work", "not working", "isn't working", "stopped working", "broken", "won't load",
  "doesn't load", "not loading", "blank screen", "white screen", "freez*", "glitch", "button", "keeps closing", "404", "error 500", "timeout", "app",
  "error", "fallo", "falla", "nada funciona", "no funciona", "dejo de funcionar", "se cierra", "se cuelga", "no carga", "pantalla en blanco", "boton", "la app", "la aplicacion", "la web",
  "erro", "bug", "nada funciona", "nao funciona", "parou de funcionar", "trava*", "fecha sozinho", "nao carrega", "tela branca", "botao", "o app", "o aplicativo", "o site",
  "erreur", "bug", "rien ne marche", "rien ne fonctionne", "ne marche pas", "ne marche plus", "ne fonctionne pas", "ne fonctionne plus", "ne charge plus", "ne se charge pas", "plante", "ne charge pas", "ecran blanc", "bouton", "l'appli", "l'application", "le site",
  "fehler", "fehlermeldung", "bug", "funktioniert nicht", "funktioniert nicht mehr", "sturzt ab", "sturzt*", "absturz*", "nichts funktioniert", "geht nicht", "ladt nicht", "hangt", "weisser bildschirm", "knopf", "die app", "die seite", "webseite",
  "errore", "bug", "non funziona niente", "niente funziona", "non funziona", "non funziona piu", "si blocca", "si chiude", "crash*", "non carica", "schermata bianca", "pulsante", "l'app", "il sito",
  "fout", "foutmelding", "bug", "niets werkt", "werkt niet", "werkt niet meer", "crasht", "loopt vast", "laadt niet", "wit scherm", "knop", "de app", "de website",
  "hata*", "hicbir sey calismiyor", "calismiyor", "coktu", "cokuyor", "donuyor", "yuklenmiyor", "acilmiyor", "kapaniyor", "buton*", "uygulama*",
  "blad", "bledu", "nic nie dziala", "nie dziala", "przestal dzialac", "przestala dzialac", "zawiesza sie", "wywala", "nie laduje", "bialy ekran", "przycisk", "aplikacj*", "strona",
  // things that do not show, blank pages, notifications and updates
  "doesn't show", "not showing", "blank", "notification*", "after the update", "since the update",
  "no aparece", "en blanco", "notificacion*", "actualizacion", "nao aparece", "fica branca", "notificac*", "atualizacao", "pararam", "parou",
  "n'apparait pas", "page blanche", "reste blanche", "mise a jour", "ne marchent plus", "wird nicht angezeigt", "bleibt weiss", "weisse seite",
  "benachrichtigung*", "non compare", "resta bianca", "pagina bianca", "notifiche", "aggiornamento", "wordt niet getoond", "blijft wit", "meldingen",
  "gorunmuyor", "bembeyaz", "beyaz ekran", "bildirim*", "guncelleme*", "nie wyswietla", "robi sie biala", "powiadomien*", "aktualizacj*",
];

/** Question forms asking how to do something. */
export const HOW_TO = [
  "how do i", "how can i", "how to", "how do you", "where can i", "where do i", "is it possible", "can i", "do you", "what is", "what are", "which",
  "is there", "how long", "when will", "when can",
  "como puedo", "como hago", "como se", "como cambio", "donde puedo", "donde esta", "se puede", "es posible", "puedo", "cual es", "cuanto tarda", "hay forma",
  "como faco", "como posso", "como eu", "como altero", "onde posso", "onde fica", "e possivel", "da para", "posso", "qual e", "quanto tempo", "tem como",
  "comment", "ou puis-je", "ou est", "est-ce que je peux", "est-il possible", "puis-je", "je peux", "quel est", "quelle est", "combien de temps", "y a-t-il",
  "wie kann ich", "wie geht", "wie andere", "wie lange", "wo kann ich", "wo finde", "kann ich", "ist es moglich", "gibt es", "was ist", "welche",
  "come posso", "come faccio", "come si", "come cambio", "dove posso", "dove trovo", "e possibile", "posso", "qual e", "quanto tempo", "si puo",
  "hoe kan ik", "hoe moet ik", "hoe werkt", "hoe lang", "waar kan ik", "waar vind", "kan ik", "is het mogelijk", "wat is", "welke",
  "nasil", "nereden", "nerede", "mumkun mu", "ne kadar", "hangi", "miyim", "nedir", "kac gun*", "ne zaman",
  "jak moge", "jak zmienic", "jak to", "jak dlugo", "jak ", "gdzie moge", "gdzie znajde", "czy moge", "czy mozna", "czy jest", "co to", "ile trwa", "ile kosztuje",
];

/** A problem is being reported: a negation or failure next to a domain word turns a question into a problem. */
export const FAILURE = [
  "can't", "cannot", "can not", "couldn't", "unable", "not", "doesn't", "didn't", "won't", "failed", "fails", "never", "still", "again", "wrong",
  "missing", "lost", "forgot",
  "no puedo", "no me deja", "no", "nunca", "fallo", "todavia", "otra vez", "olvide", "perdi",
  "nao consigo", "nao", "nunca", "falhou", "ainda", "de novo", "esqueci", "perdi",
  "je n'arrive pas", "impossible", "pas", "jamais", "echoue", "toujours", "encore", "oublie", "perdu",
  "kann nicht", "nicht", "kein", "keine", "nie", "fehlgeschlagen", "immer noch", "wieder", "vergessen", "verloren",
  "non riesco", "non", "mai", "fallito", "ancora", "di nuovo", "dimenticato", "perso",
  "kan niet", "niet", "geen", "nooit", "mislukt", "nog steeds", "weer", "vergeten", "kwijt",
  "yapamiyorum", "giremiyorum", "alamadim", "olmuyor", "degil", "yok", "hala", "yine", "unuttum", "basarisiz",
  "nie moge", "nie", "nigdy", "nieudan*", "nadal", "znowu", "zapomnial*",
  // states that are failures in themselves: locked out, declined, waiting, unpaid
  "locked", "blocked", "suspended", "declined", "waiting", "unpaid", "not arrived", "hasn't arrived",
  "bloquead*", "rechazad*", "esperando", "no ha llegado", "no llego", "sin pagar",
  "recusad*", "aguardando", "nao chegou", "nao pago", "nao caiu",
  "bloque", "bloquee", "refuse*", "j'attends", "attends", "impaye*", "pas arrive*",
  "gesperrt", "abgelehnt", "warte", "unbezahlt", "nicht angekommen",
  "bloccato", "rifiutat*", "aspetto", "non pagato", "non arrivato",
  "geblokkeerd", "geweigerd", "wacht", "onbetaald", "niet aangekomen",
  "kilitli", "kilitlendi", "reddedildi", "bekliyorum", "odenmedi", "gelmedi", "yatmadi",
  "zablokowan*", "odrzucon*", "czekam", "nieoplacon*", "nie dotarl*",
  "rien recu", "nichts angekommen", "niets", "nic nie", "nada", "nothing",
];

/** Greetings, thanks, acknowledgements: messages that carry no request on their own. */
export const NOISE = [
  "hi", "hello", "hey", "thanks", "thank you", "thx", "ty", "ok", "okay", "k", "test", "testing", "good morning", "good afternoon", "bye", "yes", "no", "sure", "cool", "great", "nice",
  "hola", "gracias", "muchas gracias", "buenos dias", "buenas tardes", "buenas", "vale", "si", "adios", "perfecto", "genial",
  "ola", "oi", "obrigado", "obrigada", "bom dia", "boa tarde", "boa noite", "tchau", "beleza", "sim", "valeu", "certo",
  "bonjour", "bonsoir", "salut", "merci", "merci beaucoup", "d'accord", "oui", "au revoir", "parfait", "super",
  "hallo", "danke", "danke schon", "vielen dank", "guten tag", "guten morgen", "alles klar", "ja", "tschuss", "super", "gut",
  "ciao", "grazie", "grazie mille", "buongiorno", "buonasera", "va bene", "perfetto", "ok grazie",
  "hoi", "bedankt", "dank je", "dank u", "dankjewel", "goedemorgen", "goedemiddag", "prima", "top", "doei", "oke",
  "merhaba", "selam", "tesekkurler", "tesekkur ederim", "sagol", "tamam", "gunaydin", "evet", "hayir", "iyi gunler",
  "czesc", "dzien dobry", "dziekuje", "dzieki", "dobrze", "tak", "super", "pozdrawiam", "do widzenia",
  "have a nice day", "cheers", "buen dia", "bonne journee", "bonne soiree", "schonen abend", "schonen abend noch", "schonen tag", "buona serata",
  "buona giornata", "fijne avond", "fijne dag", "iyi aksamlar", "milego dnia", "milego wieczoru", "tenha um bom dia", "bom fim de semana",
];

/** Profanity, insults, contempt and threats to leave or complain publicly: the `angry` label. */
export const ANGER = [
  "fuck*", "shit*", "damn", "wtf", "crap", "bullshit", "idiot*", "stupid", "useless", "worst", "ridiculous", "pathetic", "scam*", "disgusting",
  "unacceptable", "fed up", "sick of", "a joke", "thieves", "incompetent", "furious", "cancel my account", "close my account", "never again",
  "i'm done", "lawyer", "report you", "hate", "terrible service", "rip off", "ripoff",
  "mierda", "joder", "puta*", "idiota*", "estafa*", "estafador*", "ladrones", "ridiculo", "inaceptable", "pesimo", "verguenza", "harto", "harta",
  "basura", "inutil*", "incompetentes", "voy a cancelar", "nunca mas", "denunciar", "una broma", "indignante", "cabreado", "cabreada",
  "merda", "porra", "caralho", "ladroes", "absurdo", "inaceitavel", "pessimo", "vergonha", "palhacada", "lixo", "cansei", "vou cancelar",
  "nunca mais", "reclame aqui", "safad*", "incompetente*", "ridiculo",
  "merde", "putain", "bordel", "nul", "nuls", "honteux", "honte", "inadmissible", "inacceptable", "scandal*", "arnaque*", "voleurs", "ras le bol",
  "marre", "je vais resilier", "plus jamais", "incompetent*", "lamentable", "furieux", "furieuse",
  "scheiss*", "verdammt", "mist", "unverschamt*", "frechheit", "katastroph*", "lacherlich", "unmoglich", "betruger", "abzocke", "sauerei",
  "reicht mir", "es reicht", "kundige", "nie wieder", "inkompetent", "wutend", "sauer",
  "cazzo", "vergogna*", "schifo", "ridicol*", "inaccettabile", "ladri", "truffa*", "truffator*", "pessimo", "inutile", "basta", "disdico",
  "mai piu", "stufo", "stufa", "incompetenti", "vergognoso", "arrabbiat*",
  "kut", "klote", "belachelijk", "schandalig", "schande", "oplichter*", "waardeloos", "onacceptabel", "ben het zat", "opzeggen",
  "nooit meer", "boos", "woedend", "incompetent",
  "rezalet", "berbat", "saka misiniz", "yeter", "bikt*", "iptal edecegim", "bir daha asla", "sikayet edecegim", "sacma*",
  "kepazelik", "utanmaz", "hirsiz*",
  "kurw*", "cholera", "skandal*", "zlodzieje", "oszusci", "zenad*", "beznadziej*", "zalosne", "mam dosc", "rezygnuje", "nigdy wiecej",
  "zenujace", "wsciek*", "zlodziej*", "niekompetent*",
  // threats to go to a lawyer or the police count as anger (they are also P0, see HIGH_RISK)
  "abogado*", "denuncia", "advogado*", "justica", "avocat*", "porte plainte", "porter plainte", "anwalt*",
  "avvocat*", "advocaat*", "avukat*", "prawnik*",
  "dolandirici", "dolandiricisiniz", "dolandiricilar", "oszust", "oszusci",
  "desastre", "fatal*", "unmoglich*", "terrible service", "awful service", "pessimo servizio",
];

/** Problem talk that the general sentiment lexicons miss in support chats. */
export const PROBLEM_TONE = [
  "problem*", "issue", "still waiting", "waiting", "been waiting", "no answer", "no response", "nobody", "no one", "disappointed", "bad", "slow", "late", "delay*", "wrong",
  "missing", "lost", "never received", "not received", "haven't received", "annoying", "frustrat*", "again", "help",
  "problema*", "sigo esperando", "esperando", "nadie", "decepcion*", "malo", "mal", "lento", "tarde", "retras*", "equivocad*", "falta", "perdid*", "no recibi", "no he recibido", "ayuda",
  "problema*", "continuo esperando", "ainda esperando", "aguardando", "ninguem", "decepcion*", "ruim", "lento", "atras*", "errad*", "faltando", "perdid*", "nao recebi", "ajuda",
  "probleme*", "j'attends", "toujours rien", "personne", "decu", "decue", "mauvais", "lent", "retard", "faux", "manque", "perdu", "pas recu", "aide",
  "problem*", "warte", "keine antwort", "niemand", "enttauscht", "schlecht", "langsam", "verspat*", "falsch", "fehlt", "verloren", "nicht erhalten", "nicht bekommen", "hilfe",
  "problem*", "aspetto", "nessuna risposta", "nessuno", "deluso", "delusa", "male", "lento", "ritardo", "sbagliat*", "manca", "perso", "non ho ricevuto", "aiuto",
  "probleem", "wacht", "geen antwoord", "niemand", "teleurgesteld", "slecht", "traag", "vertraging", "verkeerd*", "ontbreekt", "kwijt", "niet ontvangen", "hulp",
  "sorun*", "bekliyorum", "cevap yok", "kimse", "hayal kirikligi", "kotu", "yavas", "gecik*", "yanlis", "eksik", "kayip", "almadim", "gelmedi", "yardim",
  "problem*", "czekam", "brak odpowiedzi", "nikt", "rozczarowan*", "zle", "wolno", "opozni*", "bledn*", "brakuje", "zgubion*", "nie otrzymal*", "nie dostal*", "pomoc*",
];

export const POSITIVE_TONE = [
  "thanks", "thank you", "great", "awesome", "perfect", "love", "excellent", "amazing", "solved", "works now", "happy", "appreciate*", "wonderful", "fantastic", "good job",
  "gracias", "genial", "perfecto", "excelente", "encanta", "increible", "solucionado", "ya funciona", "contento", "contenta", "maravilloso", "buenisimo",
  "obrigado", "obrigada", "otimo", "perfeito", "excelente", "adorei", "amei", "resolvido", "ja funciona", "feliz", "maravilhoso", "valeu",
  "merci", "genial", "parfait", "excellent", "adore", "super", "resolu", "ca marche", "content", "contente", "formidable", "top",
  "danke", "vielen dank", "hat geklappt", "klappt", "toll", "super", "perfekt", "ausgezeichnet", "klasse", "gelost", "funktioniert jetzt", "zufrieden", "wunderbar", "prima",
  "grazie", "ottimo", "perfetto", "eccellente", "adoro", "fantastico", "risolto", "ora funziona", "contento", "contenta", "bravissimi", "gentilissimi",
  "bedankt", "dank je", "dank je wel", "dank u", "geweldig", "perfect", "uitstekend", "top", "super", "opgelost", "werkt nu", "blij", "tevreden", "fantastisch",
  "tesekkur*", "sagol", "harika", "mukemmel", "super", "cozuldu", "calisiyor artik", "memnun", "cok iyi", "bayildim",
  "dziekuje", "dzieki", "swietnie", "super", "idealnie", "doskonale", "rozwiazane", "juz dziala", "zadowolon*", "wspaniale", "rewelacja",
];

/** Words that raise urgency without changing what the message is about. */
export const URGENT = [
  "urgent", "urgently", "asap", "immediately", "right now", "now", "today", "quickly", "hurry",
  "urgente", "inmediatamente", "ahora mismo", "ahora", "hoy", "rapido",
  "urgente", "agora", "imediatamente", "hoje", "rapido",
  "urgent", "urgence", "immediatement", "tout de suite", "maintenant", "aujourd'hui", "vite",
  "dringend", "sofort", "eilig", "jetzt", "heute", "schnell",
  "urgente", "subito", "immediatamente", "adesso", "ora", "oggi", "presto",
  "dringend", "spoed", "meteen", "direct", "nu", "vandaag", "snel",
  "acil", "hemen", "simdi", "bugun", "derhal",
  "pilne", "pilnie", "natychmiast", "teraz", "dzisiaj", "szybko",
];

/** Emoji that carry tone on their own in chat apps. */
export const POSITIVE_EMOJI = /[\u{1F44D}\u{1F64F}\u{1F60A}\u{1F600}-\u{1F606}\u{1F609}\u{1F60D}\u{1F970}\u{2764}\u{1F496}\u{1F389}\u{2705}\u{1F44C}\u{1F642}]/u;
export const ANGRY_EMOJI = /[\u{1F621}\u{1F620}\u{1F92C}\u{1F624}\u{1F595}]/u;
export const SAD_EMOJI = /[\u{1F61E}\u{1F622}\u{1F62D}\u{1F61F}\u{1F641}\u{2639}\u{1F614}\u{1F629}\u{1F62B}]/u;

/** Money the customer already sent or is owed back: next to a failure or a wait, money is stuck (P1). */
export const MONEY_SENT = [
  "paid", "i paid", "transfer*", "refund*", "sent the money", "took",
  "pague", "pagado", "transferencia", "reembolso", "devolucion", "devolvi",
  "paguei", "pix", "estorno", "reembolso", "devolvi",
  "paye", "j'ai paye", "virement", "rembours*",
  "bezahlt", "uberwiesen", "uberweisung", "ruckerstattung", "erstattung",
  "pagato", "ho pagato", "bonifico", "rimborso", "preso",
  "betaald", "overboeking", "overgemaakt", "terugbetaling",
  "odedim", "odeme yaptim", "havale", "iade",
  "zaplacil*", "przelew*", "zwrot*",
];
