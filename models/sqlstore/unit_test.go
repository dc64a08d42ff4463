package sqlstore_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func unitIDs(units []models.Unit) []uint64 {
	ids := make([]uint64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	return ids
}

func TestStore_UnitTree(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		all, err := s.UnitTree(ctx, r.admin)
		if err != nil || len(all) != 7 || all[0].ID != r.root {
			t.Fatalf("admin UnitTree = %v, %v; want 7 units, root first", unitIDs(all), err)
		}
		for i := 1; i < len(all); i++ {
			if all[i-1].Path > all[i].Path {
				t.Errorf("UnitTree not ordered by path: %q before %q", all[i-1].Path, all[i].Path)
			}
		}
		east, err := s.UnitTree(ctx, r.east1)
		if err != nil || len(east) != 3 || east[0].ID != r.east {
			t.Errorf("east UnitTree = %v, %v; want 东湖镇 and its 2 branches", unitIDs(east), err)
		}
		for _, u := range east {
			if u.ID == r.west || u.ID == r.westPatrol {
				t.Errorf("east inspector sees sibling unit %d", u.ID)
			}
		}
		_, err = s.UnitTree(ctx, models.Viewer{TelegramID: 5, Role: models.RoleInspector, UnitID: 999_999})
		wantErr(t, "UnitTree of a viewer without unit", err, models.ErrNotFound)
	})
}

func TestStore_CreateUnit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		u, err := s.CreateUnit(ctx, r.admin, " 新建村党支部 ", &r.east)
		if err != nil || u.Name != "新建村党支部" || u.Path != "/"+itoa(r.root)+"/"+itoa(r.east)+"/"+itoa(u.ID)+"/" {
			t.Fatalf("CreateUnit = %+v, %v", u, err)
		}
		if audited(t, s, models.AuditUnitCreate, r.admin) != 1 {
			t.Error("unit_create not audited")
		}
		root, err := s.CreateUnit(ctx, r.admin, "另一区纪委", nil)
		if err != nil || root.ParentID != nil || root.Path != "/"+itoa(root.ID)+"/" {
			t.Errorf("CreateUnit root = %+v, %v", root, err)
		}
		_, err = s.CreateUnit(ctx, r.admin, "新建村党支部", &r.east)
		wantErr(t, "CreateUnit sibling name", err, models.ErrDuplicate)
		if _, err := s.CreateUnit(ctx, r.admin, "新建村党支部", &r.west); err != nil {
			t.Errorf("CreateUnit same name elsewhere: %v", err)
		}
		_, err = s.CreateUnit(ctx, r.admin, " ", &r.east)
		wantErr(t, "CreateUnit empty name", err, models.ErrInvalid)
		_, err = s.CreateUnit(ctx, r.admin, "无父", ptr(uint64(999_999)))
		wantErr(t, "CreateUnit unknown parent", err, models.ErrNotFound)
		for _, v := range []models.Viewer{r.up, r.east1} {
			_, err = s.CreateUnit(ctx, v, "越权", &r.east)
			wantDenied(t, s, "CreateUnit by "+string(v.Role), err, v, models.AuditUnitCreate)
		}
		if n := count(t, s, "units", "name = ?", "越权"); n != 0 {
			t.Errorf("refused CreateUnit wrote %d units", n)
		}
	})
}

func TestStore_RenameUnit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		if err := s.RenameUnit(ctx, r.admin, r.eastOffice, "东湖镇党政办党支部"); err != nil {
			t.Fatalf("RenameUnit: %v", err)
		}
		if name, _ := s.UnitName(ctx, r.eastOffice); name != "东湖镇党政办党支部" {
			t.Errorf("name = %q", name)
		}
		if err := s.RenameUnit(ctx, r.admin, r.eastOffice, "东湖镇党政办党支部"); err != nil {
			t.Errorf("RenameUnit to its own name: %v", err)
		}
		wantErr(t, "RenameUnit sibling name", s.RenameUnit(ctx, r.admin, r.eastOffice, "东湖村党支部（演示）"), models.ErrDuplicate)
		wantErr(t, "RenameUnit unknown", s.RenameUnit(ctx, r.admin, 999_999, "x"), models.ErrNotFound)
		wantDenied(t, s, "RenameUnit by supervisor", s.RenameUnit(ctx, r.eastSup, r.eastOffice, "x"), r.eastSup, models.AuditUnitRename)
	})
}

func TestStore_MoveUnit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		sub, err := s.CreateUnit(ctx, r.admin, "机关第一小组", &r.eastOffice)
		if err != nil {
			t.Fatal(err)
		}
		// Move 东湖镇机关党支部 (with its child and members) under 西山街道.
		if err := s.MoveUnit(ctx, r.admin, r.eastOffice, r.west); err != nil {
			t.Fatalf("MoveUnit: %v", err)
		}
		tree, _ := s.UnitTree(ctx, r.admin)
		paths := map[uint64]string{}
		for _, u := range tree {
			paths[u.ID] = u.Path
		}
		wantOffice := paths[r.west] + itoa(r.eastOffice) + "/"
		if paths[r.eastOffice] != wantOffice || paths[sub.ID] != wantOffice+itoa(sub.ID)+"/" {
			t.Errorf("paths after move: office %q, child %q; want prefix %q", paths[r.eastOffice], paths[sub.ID], wantOffice)
		}
		if _, _, _, err := s.MemberSanctions(ctx, r.west1, r.wangWu.ID); err != nil {
			t.Errorf("west inspector after the move: %v", err)
		}
		_, _, _, err = s.MemberSanctions(ctx, r.east1, r.wangWu.ID)
		wantErr(t, "east inspector after the move", err, models.ErrNotFound)

		wantErr(t, "MoveUnit under itself", s.MoveUnit(ctx, r.admin, r.eastOffice, r.eastOffice), models.ErrInvalid)
		wantErr(t, "MoveUnit under a descendant", s.MoveUnit(ctx, r.admin, r.eastOffice, sub.ID), models.ErrInvalid)
		wantErr(t, "MoveUnit unknown parent", s.MoveUnit(ctx, r.admin, r.eastOffice, 999_999), models.ErrNotFound)
		if err := s.MoveUnit(ctx, r.admin, r.eastOffice, 0); err != nil {
			t.Errorf("MoveUnit to a root: %v", err)
		}
		if u, _ := s.FindUnitByName(ctx, itoa(sub.ID)); u.Path != "/"+itoa(r.eastOffice)+"/"+itoa(sub.ID)+"/" {
			t.Errorf("child path after moving to a root = %q", u.Path)
		}
		wantDenied(t, s, "MoveUnit by supervisor", s.MoveUnit(ctx, r.up, r.eastOffice, r.east), r.up, models.AuditUnitMove)
		if n := audited(t, s, models.AuditUnitMove, r.admin); n != 2 {
			t.Errorf("unit_move audit rows = %d, want 2", n)
		}
	})
}

func TestStore_DeleteUnit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		wantErr(t, "DeleteUnit with children", s.DeleteUnit(ctx, r.admin, r.east), models.ErrInUse)
		wantErr(t, "DeleteUnit with members", s.DeleteUnit(ctx, r.admin, r.eastOffice), models.ErrInUse)
		empty, _ := s.CreateUnit(ctx, r.admin, "空单位", &r.east)
		withUser, _ := s.CreateUnit(ctx, r.admin, "有用户", &r.east)
		u := models.User{TelegramID: newUserTG, Name: "用户", Role: models.RoleInspector, UnitID: withUser.ID}
		if err := s.CreateUser(ctx, r.admin, &u); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "DeleteUnit with a user", s.DeleteUnit(ctx, r.admin, withUser.ID), models.ErrInUse)
		if _, err := s.RevokeUser(ctx, r.admin, newUserTG); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUnit(ctx, r.admin, withUser.ID); err != nil {
			t.Errorf("DeleteUnit with a revoked user only: %v", err)
		}
		wantDenied(t, s, "DeleteUnit by supervisor", s.DeleteUnit(ctx, r.eastSup, empty.ID), r.eastSup, models.AuditUnitDelete)
		if err := s.DeleteUnit(ctx, r.admin, empty.ID); err != nil {
			t.Fatalf("DeleteUnit: %v", err)
		}
		wantErr(t, "DeleteUnit again", s.DeleteUnit(ctx, r.admin, empty.ID), models.ErrNotFound)
		if n := audited(t, s, models.AuditUnitDelete, r.admin); n != 2 {
			t.Errorf("unit_delete audit rows = %d, want 2", n)
		}
	})
}
