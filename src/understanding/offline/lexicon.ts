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
  "cekildi", "abonelik*", "abonelig*", "parami", "paramin", "bakiye",
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
  // money asked back: taken and not returned
  "money back", "please refund", "refund me", "devolvais el dinero", "devuelvan el dinero", "devolver el dinero", "devolvais mi dinero", "quiero mi dinero",
  "dinheiro de volta", "devolvam", "devolver meu dinheiro", "etre rembourse", "etre remboursee", "me rembourser", "remboursez-moi", "geld zuruck", "mein geld zuruck",
  "rivoglio i miei soldi", "soldi indietro", "rimborsatemi", "geld terug", "mijn geld terug", "parami geri", "geri istiyorum", "iade istiyorum", "zwrot pieniedzy", "prosze o zwrot", "oddajcie",
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
  // an error shown is a failure in itself
  "error", "erro", "erreur", "errore", "fehler", "fehlermeldung", "fout", "foutmelding", "hata*", "blad", "bledu",
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

// ---- Combined signals: each list alone is not P0, together with another one it is (see classify.ts) ----

/** The customer disowns an action on their account: "it wasn't me", "charges I didn't make". With an account, password, payment or change word, a takeover or fraud (P0). */
export const DISAVOWAL = [
  "wasn't me", "was not me", "not me", "it wasn't me", "wasn't us", "i didn't place", "i did not place", "i never made", "never authori*",
  "no fui yo", "yo no fui", "no he sido yo", "no fuimos", "que no hice", "que yo no hice", "que no he hecho", "no las hice",
  "nao fui eu", "eu nao fui", "que nao fiz", "que eu nao fiz",
  "ce n'etait pas moi", "c'etait pas moi", "ce n'est pas moi", "pas moi", "que je n'ai pas fait*", "que je n'ai pas passe*",
  "das war ich nicht", "war ich nicht", "nicht ich", "die ich nicht gemacht", "die ich nicht getatigt", "nicht von mir",
  "non sono stato io", "non sono stata io", "non ero io", "non sono io", "che non ho fatto", "che non ho effettuato",
  "dat was ik niet", "ik was het niet", "niet ik", "die ik niet heb gedaan", "niet heb gedaan", "niet door mij",
  "ben degistirmedim", "ben yapmadim", "ben degildim", "benim disimda", "yapmadigim",
  "to nie ja", "to nie bylem ja", "to nie bylam ja", "nie ja", "ktorych nie zrobil*",
];

/** Somebody other than the customer: with an account or password word, someone got in (P0). */
export const SOMEONE = [
  "someone", "somebody", "a stranger", "alguien", "un desconocido", "alguem", "quelqu'un", "quelqu un", "jemand", "fremde*", "qualcuno", "iemand", "een vreemde",
  "birisi", "biri", "baskasi", "baska biri", "yabanci", "ktos", "obcy",
];

/** The customer's own account, as a thing someone may get into or change. */
export const ACCOUNT = [
  "account", "my account", "cuenta", "mi cuenta", "conta", "minha conta", "compte", "mon compte", "konto", "mein konto", "profil*", "profile", "email address", "e-mail",
  "correo", "adresse e-mail", "e-mailadres", "indirizzo email", "hesab*", "hesap", "kontie", "konta",
];

/** Settings being changed: with a disavowal ("changed, it wasn't me"), a takeover. */
export const CHANGED = [
  "changed", "was changed", "has been changed", "reset", "cambiaron", "cambiado", "cambiada", "cambio", "alterad*", "alteraram", "mudaram", "change", "changee", "modifie*",
  "geandert", "geaendert", "zuruckgesetzt", "cambiat*", "modificat*", "gewijzigd", "veranderd", "aangepast", "degistiril*", "degistirmis*", "degistirdi*", "zmienion*", "zmienil*", "zmieniono",
];

/** Everyone at once (not one person's trouble): with a failure or something broken, an outage (P0). */
export const EVERYONE = [
  "for everyone", "for all users", "all users", "all our users", "all our stores", "all our shops", "all our staff", "all our customers", "everyone", "for anyone", "for nobody", "whole company", "whole team", "entire company",
  "para todos", "todos los usuarios", "todos nuestros", "todas nuestras", "toda la empresa", "para nadie", "todo el mundo",
  "para todo mundo", "todo mundo", "todos os usuarios", "todos aqui", "todos os nossos", "toda a empresa", "para ninguem",
  "pour tout le monde", "tout le monde", "tous les utilisateurs", "tous nos", "toute l'entreprise", "pour personne",
  "fur alle", "bei allen", "alle nutzer", "alle kunden", "alle unsere", "alle mitarbeiter", "fur niemanden", "die ganze firma",
  "per tutti", "tutti gli utenti", "tutti i nostri", "tutte le nostre", "per nessuno", "tutta l'azienda",
  "voor iedereen", "iedereen", "alle gebruikers", "al onze", "voor niemand", "het hele bedrijf",
  "herkes", "herkes icin", "tum kullanicilar", "tum musteri*", "hicbir musteri*", "kimse icin",
  "dla wszystkich", "wszyscy", "dla nikogo", "cala firma", "zaden klient",
];

/** Harm to a person (safety, health): P0 on its own. */
export const HARM = [
  "caught fire", "on fire", "burning smell", "smell of burning", "burning plastic", "smoking", "overheat*", "explod*", "electric shock", "shocked me", "allergic reaction", "anaphyla*",
  "hospital*", "ambulance", "food poisoning", "poisoned", "swollen", "couldn't breathe", "could not breathe", "burned me", "burnt me", "injured", "hurt myself", "rash",
  "se incendio", "prendio fuego", "olor a quemado", "humo", "sobrecalent*", "exploto", "descarga electrica", "reaccion alergica", "una reaccion", "hospital", "urgencias", "intoxicacion", "hinchad*", "se quemo", "me queme", "herido",
  "pegou fogo", "cheiro de queimado", "fumaca", "superaquec*", "explodiu", "choque eletrico", "reacao alergica", "pronto-socorro", "pronto socorro", "intoxicacao", "inchad*", "queimou", "me queimei", "ferid*",
  "a pris feu", "odeur de brule", "fumee", "surchauffe", "explose", "decharge electrique", "reaction allergique", "hopital", "urgences", "intoxication", "gonfle*", "brulure", "blesse*",
  "brennt", "gebrannt", "verbrannt", "brandgeruch", "rauch", "qualm*", "uberhitz*", "explodiert", "stromschlag", "allergische reaktion", "krankenhaus", "notaufnahme", "vergiftung", "geschwollen", "verletzt",
  "preso fuoco", "odore di bruciato", "fumo", "surriscald*", "esploso", "esplosa", "scossa", "reazione allergica", "ospedale", "pronto soccorso", "intossicazione", "gonfi*", "ustion*", "ferit*", "stata male", "stato male", "sta male",
  "vlam gevat", "brandlucht", "rook", "oververhit*", "ontploft", "schok gekregen", "allergische reactie", "ziekenhuis", "spoedeisende hulp", "voedselvergiftiging", "opgezwollen", "gewond", "ziek geworden",
  "yandi", "alev aldi", "yanik kokusu", "duman", "asiri isin*", "patladi", "elektrik carpti", "alerjik reaksiyon", "hastane*", "acil servis", "zehirlen*", "sislik", "sisti", "yaralandi",
  "zapalil*", "zapach spalenizny", "dym*", "przegrzew*", "wybuchl*", "porazil*", "porazenie", "reakcj* alergiczn*", "szpital*", "pogotowie", "zatru*", "spuchl*", "opuchl*", "poparzy*", "ranny", "ranna",
];

/** Allergies and intolerances: a reported problem with one (not a question about ingredients) is a safety issue (P0). */
export const ALLERGY = [
  "allerg*", "alerg*", "alerj*", "anaphyla*", "celiac", "coeliac", "celiaco", "celiaca", "zoliakie", "celiachia", "coeliakie", "colyak", "celiakia",
  "intoleran*", "peanut*", "nut-free", "nut free", "cacahuet*", "frutos secos", "amendoim", "arachide*", "erdnuss*", "nusse", "arachidi", "pinda*", "fistik", "orzeszk*",
];

/** A legal or regulator threat beyond the single words in HIGH_RISK: P0. */
export const LEGAL = [
  "take you to court", "legal steps", "legal advice", "legally", "small claims", "ombudsman", "consumer protection", "trading standards",
  "demandar", "demandare", "acciones legales", "accion legal", "via judicial", "juzgado", "oficina del consumidor", "omic", "facua",
  "um processo", "entrar na justica", "na justica", "juizado", "acao judicial", "medidas legais",
  "en justice", "poursuites", "mise en demeure", "action en justice", "association de consommateurs",
  "rechtliche schritte", "verbraucherzentrale", "verklagen", "gerichtlich", "mahnverfahren",
  "vie legali", "azione legale", "azioni legali", "tribunale", "giudice", "denuncio", "codacons",
  "juridische stappen", "rechtszaak", "consumentenbond", "juridisch", "rechtbank", "ik stap naar",
  "mahkeme*", "yasal yol*", "tuketici hakem*", "hukuki", "savcilik", "dava acacagim",
  "do sadu", "sadu", "rzecznik*", "uokik", "kroki prawne",
];

/** Someone else's data visible to this customer, or data exposed: a breach (P0). */
export const BREACH = [
  "another customer's", "someone else's", "other people's", "other customers", "another user's", "leaked", "exposed", "data was stolen",
  "otro cliente", "otra persona", "de otros clientes", "filtrad*", "expuest*", "fuga de datos",
  "outro cliente", "outra pessoa", "de outros clientes", "vazad*", "vazamento", "expost*",
  "un autre client", "une autre personne", "d'autres clients", "fuite*", "divulgue*",
  "anderen kunden", "eines anderen", "fremde daten", "daten anderer", "geleakt", "offengelegt",
  "altro cliente", "un'altra persona", "altri clienti", "trapelat*", "espost*",
  "andere klant", "iemand anders", "andere klanten", "gelekt", "uitgelekt",
  "baska bir musteri*", "baskasinin", "baska musteri*", "sizdirildi", "sizinti",
  "innego klienta", "innej osoby", "innych klientow", "wyciek*", "wyciekl*",
];

/** Promotion codes: a "code" here is not a log-in code, and one that fails at checkout is a defect. */
export const DISCOUNT_CODE = [
  "discount code", "promo code", "promotion code", "coupon*", "voucher*", "gift card", "codigo de descuento", "codigo promocional", "cupon*", "cupom", "codigo do cupom", "vale-presente",
  "code promo", "code de reduction", "bon de reduction", "carte cadeau", "rabattcode", "gutschein*", "aktionscode", "codice sconto", "codice promozionale", "buono sconto",
  "kortingscode", "kortingsbon", "cadeaubon", "indirim kodu", "kupon*", "hediye ceki", "kod rabatowy", "kod promocyjny", "bon rabatowy", "kupon*",
];

/** A subscription renewed (charged) although the customer cancelled it: money taken wrongly (P1). */
export const RENEWED = [
  "renewed", "auto-renewed", "renewal", "se renovo", "renovaron", "renovacion", "renovou", "renovaram", "renovacao", "renouvele*", "reconduit*",
  "verlangert", "verlaengert", "rinnovat*", "rinnovo", "verlengd", "yenilendi", "yenilenmis", "odnowil*", "odnowion*", "przedluzon*",
];
export const CANCELLED = [
  "cancel*", "unsubscribed", "cancele", "cancelado", "cancelada", "cancelei", "resilie*", "annule*", "gekundigt", "kundigung", "gekuendigt", "storniert",
  "disdett*", "annullat*", "cancellat*", "opgezegd", "geannuleerd", "iptal", "anulowal*", "anulowan*", "zrezygnowal*",
];

/** Words that negate the next word or two ("not happy", "nada satisfeito", "nicht zufrieden"). */
export const NEGATORS = [
  "not", "no", "never", "isn't", "wasn't", "aren't", "don't", "nada", "nunca", "nao", "pas", "ne", "plus", "jamais", "nicht", "kein", "keine", "keineswegs", "non", "mai", "niet", "geen", "nooit", "nie", "wcale",
];

/** Words that make the next word stronger ("very disappointed", "muy mal", "sehr schlecht"). */
export const INTENSIFIERS = [
  "very", "really", "so", "extremely", "totally", "absolutely", "completely", "muy", "super", "totalmente", "muito", "bem", "tres", "vraiment", "completement", "sehr",
  "total", "echt", "wirklich", "molto", "davvero", "proprio", "heel", "erg", "echt", "zo", "cok", "gercekten", "bardzo", "naprawde", "strasznie", "zupelnie",
];
