//! The IMS request message header (IRM) for HWSSMPL0/HWSSMPL1: the 28-byte fixed portion
//! common to all IMS Connect clients, then the 52-byte user portion those exits read.
//!
//! Offsets below count from the first IRM byte (IRM_LEN); IBM's tables count from the
//! LLLL field in front of it, so add 4 to compare (docs/mainframe-protocols.md).

use super::ImsError;
use crate::protocol::text::{hex, HeaderEncoding};

/// IRM length written by the encoder: 28 fixed + 52 user bytes (IBM: "HWSSMPL0 has a
/// minimum IRM length of X'50'").
pub const IRM_LEN: usize = 80;

/// The exit id of HWSSMPL1, the default.
pub const EXIT_SAMPL1: &str = "*SAMPL1*";
/// The exit id of HWSSMPL0.
pub const EXIT_SAMPLE: &str = "*SAMPLE*";

// Field offsets inside the IRM (IBM offset - 4).
const OFF_LEN: usize = 0; // IRM_LEN, 2 bytes binary
const OFF_ARCH: usize = 2; // IRM_ARCH
const OFF_F0: usize = 3; // IRM_F0
const OFF_ID: usize = 4; // IRM_ID, 8 chars
const OFF_NAK_RSN: usize = 12; // IRM_NAK_RSNCDE, 2 bytes
const OFF_RES: usize = 14; // IRM_RES, 2 bytes reserved
const OFF_F5: usize = 16; // IRM_F5
const OFF_TIMER: usize = 17; // IRM_TIMER
const OFF_SOCT: usize = 18; // IRM_SOCT
const OFF_ES: usize = 19; // IRM_ES
const OFF_CLIENTID: usize = 20; // IRM_CLIENTID, 8 chars
const OFF_F1: usize = 28; // IRM_F1
const OFF_F2: usize = 29; // IRM_F2 commit mode
const OFF_F3: usize = 30; // IRM_F3 sync level
const OFF_F4: usize = 31; // IRM_F4 message type
const OFF_TRNCOD: usize = 32; // IRM_TRNCOD
const OFF_DESTID: usize = 40; // IRM_IMSDESTID (datastore)
const OFF_LTERM: usize = 48; // IRM_LTERM
const OFF_RACF_USER: usize = 56; // IRM_RACF_USERID
const OFF_RACF_GROUP: usize = 64; // IRM_RACF_GRNAME
const OFF_RACF_PW: usize = 72; // IRM_RACF_PW

/// IRM_SOCT: how long IMS Connect keeps the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SocketType {
    /// X'00': one transaction (or conversation) per connection.
    #[default]
    Transaction,
    /// X'10': the connection stays open across transactions.
    Persistent,
    /// X'40': one input and one output per connection.
    NonPersistent,
}

impl SocketType {
    fn byte(self) -> u8 {
        match self {
            SocketType::Transaction => 0x00,
            SocketType::Persistent => 0x10,
            SocketType::NonPersistent => 0x40,
        }
    }
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0x00 => Some(SocketType::Transaction),
            0x10 => Some(SocketType::Persistent),
            0x40 => Some(SocketType::NonPersistent),
            _ => None,
        }
    }
}

/// IRM_F2: commit mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CommitMode {
    /// X'40': commit-then-send (CM0).
    Cm0,
    /// X'20': send-then-commit (CM1), what a request/response gateway wants.
    #[default]
    Cm1,
}

impl CommitMode {
    fn byte(self) -> u8 {
        match self {
            CommitMode::Cm0 => 0x40,
            CommitMode::Cm1 => 0x20,
        }
    }
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0x40 => Some(CommitMode::Cm0),
            0x20 => Some(CommitMode::Cm1),
            _ => None,
        }
    }
}

/// IRM_F3: sync level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyncLevel {
    /// X'00': no acknowledgement expected from the client.
    #[default]
    None,
    /// X'01': the client ACKs or NAKs the output.
    Confirm,
    /// X'02': two-phase commit under RRS.
    Syncpt,
}

impl SyncLevel {
    fn byte(self) -> u8 {
        match self {
            SyncLevel::None => 0x00,
            SyncLevel::Confirm => 0x01,
            SyncLevel::Syncpt => 0x02,
        }
    }
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0x00 => Some(SyncLevel::None),
            0x01 => Some(SyncLevel::Confirm),
            0x02 => Some(SyncLevel::Syncpt),
            _ => None,
        }
    }
}

/// IRM_F4: what the message asks for. The letters are EBCDIC characters in the IBM
/// table, whatever the header encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageType {
    /// X'40': send a transaction and receive its output.
    #[default]
    SendReceive,
    /// C'A' (X'C1'): positive acknowledgement of output.
    Ack,
    /// C'N' (X'D5'): negative acknowledgement.
    Nak,
    /// C'D' (X'C4'): deallocate the conversation.
    Deallocate,
    /// C'S' (X'E2'): send only, no output expected.
    SendOnly,
}

impl MessageType {
    fn byte(self) -> u8 {
        match self {
            MessageType::SendReceive => 0x40,
            MessageType::Ack => 0xC1,
            MessageType::Nak => 0xD5,
            MessageType::Deallocate => 0xC4,
            MessageType::SendOnly => 0xE2,
        }
    }
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0x40 => Some(MessageType::SendReceive),
            0xC1 => Some(MessageType::Ack),
            0xD5 => Some(MessageType::Nak),
            0xC4 => Some(MessageType::Deallocate),
            0xE2 => Some(MessageType::SendOnly),
            _ => None,
        }
    }

    /// Whether data segments follow the IRM (IBM: ACK, NAK and DEALLOCATE carry none).
    pub fn carries_data(self) -> bool {
        matches!(self, MessageType::SendReceive | MessageType::SendOnly)
    }
}

/// Every value the IRM carries. Text fields are at most 8 characters and blank-padded on
/// the wire; an empty string is an all-blank field. `Debug` hides the RACF password.
#[derive(Clone, PartialEq, Eq)]
pub struct IrmSettings {
    /// IRM_ID: which user message exit reads the message (`*SAMPL1*` by default).
    pub exit_id: String,
    /// IRM_IMSDESTID: the IMS datastore (OTMA member) to run in. Required.
    pub datastore: String,
    /// IRM_TRNCOD and the first 8 bytes of the first segment. Required.
    pub trancode: String,
    /// IRM_CLIENTID: names the client's tpipe; blank lets the exit generate one.
    pub client_id: String,
    /// IRM_LTERM: logical terminal name the program sees in its I/O PCB.
    pub lterm: String,
    /// IRM_RACF_USERID.
    pub racf_user: String,
    /// IRM_RACF_GRNAME.
    pub racf_group: String,
    /// IRM_RACF_PW. Never logged.
    pub racf_password: String,
    /// IRM_TIMER: X'00' default, X'01'-X'9E' an interval, X'E9' no wait, X'FF' block.
    pub timer: u8,
    /// IRM_SOCT.
    pub socket: SocketType,
    /// IRM_F2.
    pub commit_mode: CommitMode,
    /// IRM_F3.
    pub sync_level: SyncLevel,
    /// IRM_F4.
    pub message_type: MessageType,
    /// Encoding of IRM_ID and the other text fields.
    pub encoding: HeaderEncoding,
}

impl std::fmt::Debug for IrmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let password = if self.racf_password.is_empty() {
            ""
        } else {
            "<redacted>"
        };
        f.debug_struct("IrmSettings")
            .field("exit_id", &self.exit_id)
            .field("datastore", &self.datastore)
            .field("trancode", &self.trancode)
            .field("client_id", &self.client_id)
            .field("lterm", &self.lterm)
            .field("racf_user", &self.racf_user)
            .field("racf_group", &self.racf_group)
            .field("racf_password", &password)
            .field("timer", &self.timer)
            .field("socket", &self.socket)
            .field("commit_mode", &self.commit_mode)
            .field("sync_level", &self.sync_level)
            .field("message_type", &self.message_type)
            .field("encoding", &self.encoding)
            .finish()
    }
}

impl Default for IrmSettings {
    fn default() -> Self {
        IrmSettings {
            exit_id: EXIT_SAMPL1.to_owned(),
            datastore: String::new(),
            trancode: String::new(),
            client_id: String::new(),
            lterm: String::new(),
            racf_user: String::new(),
            racf_group: String::new(),
            racf_password: String::new(),
            timer: 0,
            socket: SocketType::default(),
            commit_mode: CommitMode::default(),
            sync_level: SyncLevel::default(),
            message_type: MessageType::default(),
            encoding: HeaderEncoding::default(),
        }
    }
}

impl IrmSettings {
    /// Whether the exit puts a 4-byte total length in front of its answers (HWSSMPL1 and
    /// user exits do; HWSSMPL0, `*SAMPLE*`, does not).
    pub fn answer_has_length_prefix(&self) -> bool {
        self.exit_id != EXIT_SAMPLE
    }

    /// Checks the values IMS Connect would refuse, all at once in field order.
    pub fn validate(&self) -> Result<(), ImsError> {
        let setting = |field, reason: &str| {
            Err(ImsError::Setting {
                field,
                reason: reason.to_owned(),
            })
        };
        if !(self.exit_id.starts_with('*') && self.exit_id.ends_with('*')) || self.exit_id.len() < 2
        {
            return setting("exit_id", "must begin and end with '*' (e.g. *SAMPL1*)");
        }
        if self.datastore.trim().is_empty() {
            return setting("datastore", "is required");
        }
        if !valid_trancode(&self.trancode) {
            return setting(
                "trancode",
                "must be 1-8 characters A-Z, 0-9, #, $, @ beginning with a letter",
            );
        }
        Ok(())
    }

    /// Appends the 80-byte IRM to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), ImsError> {
        self.validate()?;
        let e = self.encoding;
        out.extend_from_slice(&(IRM_LEN as u16).to_be_bytes()); // IRM_LEN
        out.push(0x00); // IRM_ARCH: base architecture, no ARCH1+ fields
        out.push(0x00); // IRM_F0: no flags
        e.put_field("exit_id", &self.exit_id, 8, out)?; // IRM_ID
        out.extend_from_slice(&[0, 0]); // IRM_NAK_RSNCDE: only on NAK
        out.extend_from_slice(&[0, 0]); // IRM_RES: reserved
        out.push(0x00); // IRM_F5: no OTMA header in the message
        out.push(self.timer); // IRM_TIMER
        out.push(self.socket.byte()); // IRM_SOCT
        out.push(0x00); // IRM_ES: no Unicode encoding schema
        e.put_field("client_id", &self.client_id, 8, out)?; // IRM_CLIENTID
        out.push(0x00); // IRM_F1: no MFS MOD name, no client id requested
        out.push(self.commit_mode.byte()); // IRM_F2
        out.push(self.sync_level.byte()); // IRM_F3
        out.push(self.message_type.byte()); // IRM_F4
        e.put_field("trancode", &self.trancode, 8, out)?;
        e.put_field("datastore", &self.datastore, 8, out)?;
        e.put_field("lterm", &self.lterm, 8, out)?;
        e.put_field("racf_user", &self.racf_user, 8, out)?;
        e.put_field("racf_group", &self.racf_group, 8, out)?;
        e.put_field("racf_password", &self.racf_password, 8, out)?;
        Ok(())
    }

    /// Reads an IRM that starts at message byte `base` (for error offsets). `irm` must hold
    /// at least IRM_LEN bytes; a longer IRM is accepted and its tail (IRM extensions) ignored.
    pub fn decode(irm: &[u8], base: usize) -> Result<IrmSettings, ImsError> {
        let byte = |off: usize| irm.get(off).copied().unwrap_or(0);
        let field = |off: usize| irm.get(off..off + 8).unwrap_or_default();
        let bad = |name, off: usize, found: String, reason| ImsError::BadField {
            field: name,
            offset: base + off,
            found,
            reason,
        };
        if irm.len() < IRM_LEN {
            return Err(ImsError::BadLength {
                field: "IRM_LEN",
                offset: base + OFF_LEN,
                value: irm.len(),
                reason: "HWSSMPL0/1 need at least 80 bytes (X'50')",
            });
        }
        // IRM_ID tells the encoding: '*' is X'5C' in EBCDIC and X'2A' in ASCII.
        let encoding = match byte(OFF_ID) {
            0x5C => HeaderEncoding::Ebcdic,
            0x2A => HeaderEncoding::Ascii,
            b => {
                return Err(bad(
                    "IRM_ID",
                    OFF_ID,
                    format!("first byte {b:02X}"),
                    "must begin with '*' in EBCDIC (5C) or ASCII (2A)",
                ))
            }
        };
        for (name, off) in [
            ("IRM_ARCH", OFF_ARCH),
            ("IRM_RES", OFF_RES),
            ("IRM_RES", OFF_RES + 1),
        ] {
            if byte(off) != 0 {
                return Err(bad(
                    name,
                    off,
                    format!("{:02X}", byte(off)),
                    "must be 00 for the base IRM",
                ));
            }
        }
        let flag = |name, off: usize, reason| bad(name, off, format!("{:02X}", byte(off)), reason);
        let socket = SocketType::from_byte(byte(OFF_SOCT)).ok_or_else(|| {
            flag(
                "IRM_SOCT",
                OFF_SOCT,
                "must be 00 (transaction), 10 (persistent) or 40 (non-persistent)",
            )
        })?;
        let commit_mode = CommitMode::from_byte(byte(OFF_F2))
            .ok_or_else(|| flag("IRM_F2", OFF_F2, "must be 40 (CM0) or 20 (CM1)"))?;
        let sync_level = SyncLevel::from_byte(byte(OFF_F3)).ok_or_else(|| {
            flag(
                "IRM_F3",
                OFF_F3,
                "must be 00 (none), 01 (confirm) or 02 (syncpt)",
            )
        })?;
        let message_type = MessageType::from_byte(byte(OFF_F4)).ok_or_else(|| {
            flag(
                "IRM_F4",
                OFF_F4,
                "must be 40 (send-receive), C1 (ACK), D5 (NAK), C4 (deallocate) or E2 (send only)",
            )
        })?;
        let text = |name, off: usize| encoding.get_field(name, field(off));
        let settings = IrmSettings {
            exit_id: text("exit_id", OFF_ID)?,
            datastore: text("datastore", OFF_DESTID)?,
            trancode: text("trancode", OFF_TRNCOD)?,
            client_id: text("client_id", OFF_CLIENTID)?,
            lterm: text("lterm", OFF_LTERM)?,
            racf_user: text("racf_user", OFF_RACF_USER)?,
            racf_group: text("racf_group", OFF_RACF_GROUP)?,
            racf_password: text("racf_password", OFF_RACF_PW)?,
            timer: byte(OFF_TIMER),
            socket,
            commit_mode,
            sync_level,
            message_type,
            encoding,
        };
        // The flag bytes we never set must be clear: a client setting them expects
        // behaviour (MFS MOD names, Unicode, OTMA headers) this codec does not give.
        for (name, off) in [
            ("IRM_F0", OFF_F0),
            ("IRM_F5", OFF_F5),
            ("IRM_ES", OFF_ES),
            ("IRM_F1", OFF_F1),
        ] {
            if byte(off) != 0 {
                return Err(flag(name, off, "flags this codec does not support"));
            }
        }
        if byte(OFF_NAK_RSN) != 0 || byte(OFF_NAK_RSN + 1) != 0 {
            return Err(bad(
                "IRM_NAK_RSNCDE",
                OFF_NAK_RSN,
                hex(irm.get(OFF_NAK_RSN..OFF_NAK_RSN + 2).unwrap_or_default()),
                "NAK reason codes are not supported",
            ));
        }
        if !settings.exit_id.ends_with('*') || settings.exit_id.len() < 2 {
            return Err(bad(
                "IRM_ID",
                OFF_ID,
                format!("{:?}", settings.exit_id),
                "the exit id must begin and end with '*'",
            ));
        }
        if settings.datastore.trim().is_empty() {
            return Err(bad(
                "IRM_IMSDESTID",
                OFF_DESTID,
                "blanks".into(),
                "the datastore is required",
            ));
        }
        if !valid_trancode(&settings.trancode) {
            return Err(bad(
                "IRM_TRNCOD",
                OFF_TRNCOD,
                format!("{:?}", settings.trancode),
                "a trancode is 1-8 characters A-Z, 0-9, #, $, @ beginning with a letter",
            ));
        }
        Ok(settings)
    }
}

/// IBM: 1-8 characters from A-Z, 0-9, #, $, @, beginning with a letter.
fn valid_trancode(t: &str) -> bool {
    let mut chars = t.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && t.len() <= 8
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "#$@".contains(c))
}
